"""Back office for contacts: search, notes, and blocking through the contact services."""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contacts.models import BlockRecord, Contact, ContactNote, Visitor
from contacts.services import contact_block, contact_note_add, contact_note_edit, contact_unblock
from helpdesk.admin_site import ReadOnlyAdminMixin, ReadOnlyInlineMixin
from helpdesk.errors import DomainError

BLOCK_FIELDS = ("is_blocked", "blocked_by", "blocked_at", "blocked_reason")


class ContactNoteInline(admin.StackedInline):
    """Notes are added and edited through the note services, authored by whoever is logged
    in (see ``ContactAdmin.save_formset``)."""

    model = ContactNote
    fields = ("body", "author", "created_at", "updated_at")
    readonly_fields = ("author", "created_at", "updated_at")
    extra = 1
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class VisitorInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Visitor
    fields = ("id", "widget", "created_at", "last_seen_at", "language", "timezone", "user_agent")
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("widget")


class BlockRecordInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = BlockRecord
    fields = ("created_at", "action", "actor", "reason")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "email",
        "phone",
        "company",
        "language",
        "conversation_count",
        "is_blocked",
        "last_seen_at",
    )
    list_filter = ("is_blocked", "language", "first_seen_at")
    search_fields = ("name", "email", "phone", "company")
    date_hierarchy = "last_seen_at"
    readonly_fields = ("first_seen_at", "last_seen_at", *BLOCK_FIELDS)
    fieldsets = (
        (None, {"fields": ("name", "email", "phone", "company", "language", "attributes")}),
        (_("Activity"), {"fields": ("first_seen_at", "last_seen_at")}),
        (
            _("Block"),
            {
                "fields": BLOCK_FIELDS,
                "description": _("Block or unblock with the actions of the contact list."),
            },
        ),
    )
    inlines = (ContactNoteInline, VisitorInline, BlockRecordInline)
    actions = ("block_contacts", "unblock_contacts")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_conversations=Count("conversations"))

    @admin.display(description=_("chats"), ordering="_conversations")
    def conversation_count(self, obj):
        return obj._conversations

    def save_formset(self, request, form, formset, change):
        if formset.model is not ContactNote:
            super().save_formset(request, form, formset, change)
            return
        # The admin's change message reads these three lists, normally filled by formset.save().
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for note_form in formset.forms:
            if not note_form.has_changed() or not note_form.cleaned_data:
                continue
            body = note_form.cleaned_data["body"]
            try:
                if note_form.instance.pk is None:
                    note = contact_note_add(contact=form.instance, author=request.user, body=body)
                    formset.new_objects.append(note)
                else:
                    note = contact_note_edit(note=note_form.instance, body=body)
                    formset.changed_objects.append((note, note_form.changed_data))
            except DomainError as error:
                self.message_user(request, error.detail, messages.ERROR)

    @admin.action(
        description=_("Block this contact"),
        description_plural=_("Block selected contacts"),
        permissions=["change"],
        location=[admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM],
    )
    def block_contacts(self, request, queryset):
        self._apply(request, queryset, contact_block, done=_block_message)

    @admin.action(
        description=_("Unblock this contact"),
        description_plural=_("Unblock selected contacts"),
        permissions=["change"],
        location=[admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM],
    )
    def unblock_contacts(self, request, queryset):
        self._apply(request, queryset, contact_unblock, done=_unblock_message)

    def _apply(self, request, queryset, service, *, done):
        count = 0
        for contact in queryset:
            try:
                service(contact=contact, actor=request.user)
            except DomainError as error:
                self.message_user(request, f"{contact}: {error.detail}", messages.WARNING)
            else:
                count += 1
        if count:
            self.message_user(request, done(count), messages.SUCCESS)


def _block_message(count: int) -> str:
    return ngettext("%(count)d contact blocked.", "%(count)d contacts blocked.", count) % {
        "count": count
    }


def _unblock_message(count: int) -> str:
    return ngettext("%(count)d contact unblocked.", "%(count)d contacts unblocked.", count) % {
        "count": count
    }


@admin.register(Visitor)
class VisitorAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Browsers are created by the widget session; the back office only reads them."""

    list_display = ("id", "contact", "widget", "language", "timezone", "created_at", "last_seen_at")
    list_filter = ("widget", "language")
    list_select_related = ("contact", "widget")
    search_fields = ("=id", "contact__name", "contact__email")
    date_hierarchy = "last_seen_at"


@admin.register(ContactNote)
class ContactNoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Notes are written from the contact's page (its inline) or the dashboard."""

    list_display = ("__str__", "contact", "author", "created_at", "updated_at")
    list_select_related = ("contact", "author")
    search_fields = ("body", "contact__name", "contact__email")
    date_hierarchy = "created_at"


@admin.register(BlockRecord)
class BlockRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit trail of blocks and unblocks (O3)."""

    list_display = ("created_at", "action", "contact", "actor", "reason")
    list_filter = ("action", "created_at")
    list_select_related = ("contact", "actor")
    search_fields = ("contact__name", "contact__email", "actor__username", "reason")
    date_hierarchy = "created_at"
