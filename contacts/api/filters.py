import django_filters

from contacts.models import Contact
from contacts.selectors import contacts_search


class ContactFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Words in the name, email or company")
    email = django_filters.CharFilter(field_name="email", lookup_expr="iexact")
    blocked = django_filters.BooleanFilter(field_name="is_blocked")

    class Meta:
        model = Contact
        fields = ["q", "email", "blocked"]

    def search(self, queryset, name, value):
        return contacts_search(queryset, value)
