"""Back office for agents, teams and API tokens.

Agents are created with ``agent_create`` / ``agent_profile_create`` and change role with
``agent_set_role`` (which keeps the role groups in step); tokens are issued and revoked
with the token services. Only administrators manage administrators, superuser status,
groups and per-user permissions.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import AgentProfile, ApiToken, BusinessHours, Holiday, Role, Team
from accounts.roles import ROLE_GROUP_NAMES, role_of
from accounts.services import (
    agent_create,
    agent_profile_create,
    agent_set_role,
    api_token_create,
    api_token_revoke,
)
from helpdesk.admin_site import copy_saved
from helpdesk.errors import DomainError

User = get_user_model()

PROFILE_FIELDS = ("display_name", "photo", "role", "slots", "teams", "language")
ACTIVITY_FIELDS = ("status", "last_seen_at", "status_changed_at", "last_assigned_at")


def _is_administrator(user) -> bool:
    return role_of(user) == Role.ADMINISTRATOR


def _may_manage(request, user) -> bool:
    """Whether the requester may change ``user``: only administrators change administrators."""
    return user is None or not _is_administrator(user) or _is_administrator(request.user)


def _role_choices(request):
    if _is_administrator(request.user):
        return Role.choices
    return [(value, label) for value, label in Role.choices if value != Role.ADMINISTRATOR]


def _profile_save(profile: AgentProfile, form) -> AgentProfile:
    """Save an edited profile; a new role goes through ``agent_set_role`` so that the
    user's group follows it."""
    new_role = profile.role
    role_changed = "role" in form.changed_data
    if role_changed:
        profile.role = form.initial["role"]
    profile.save()
    if role_changed:
        agent_set_role(profile=profile, role=new_role)
    return profile


# --- Teams ----------------------------------------------------------------------------


class BusinessHoursInline(admin.TabularInline):
    model = BusinessHours
    extra = 0


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "timezone",
        "always_open",
        "amber_after_s",
        "red_after_s",
        "agent_count",
    )
    list_filter = ("always_open", "timezone")
    search_fields = ("name",)
    inlines = (BusinessHoursInline, HolidayInline)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_agents=Count("agents"))

    @admin.display(description=_("agents"), ordering="_agents")
    def agent_count(self, obj):
        return obj._agents


@admin.register(BusinessHours)
class BusinessHoursAdmin(admin.ModelAdmin):
    list_display = ("team", "weekday", "opens_at", "closes_at")
    list_filter = ("team", "weekday")
    list_select_related = ("team",)
    search_fields = ("team__name",)
    autocomplete_fields = ("team",)


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "team")
    list_filter = ("team",)
    list_select_related = ("team",)
    search_fields = ("name", "team__name")
    autocomplete_fields = ("team",)
    date_hierarchy = "date"


# --- Agents ---------------------------------------------------------------------------


class AgentCreateForm(forms.ModelForm):
    """The add page of an agent: the user account and the profile in one form."""

    username = forms.CharField(label=_("username"), max_length=150)
    email = forms.EmailField(label=_("email address"), required=False)
    password1 = forms.CharField(
        label=_("password"), strip=False, widget=forms.PasswordInput(render_value=False)
    )
    password2 = forms.CharField(
        label=_("password confirmation"),
        strip=False,
        widget=forms.PasswordInput(render_value=False),
    )

    class Meta:
        model = AgentProfile
        fields = ("display_name", "role", "slots", "teams")

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(**{f"{User.USERNAME_FIELD}__iexact": username}).exists():
            raise forms.ValidationError(_("This username is taken."), code="username_taken")
        return username

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            try:
                password_validation.validate_password(
                    password1, User(username=cleaned.get("username", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin):
    list_display = ("display_name", "user", "role", "status", "slots", "team_names", "last_seen_at")
    list_filter = ("role", "status", "teams", "language")
    list_select_related = ("user",)
    search_fields = ("display_name", "user__username", "user__email")
    filter_horizontal = ("teams",)
    readonly_fields = ("user", *ACTIVITY_FIELDS)
    fieldsets = (
        (None, {"fields": ("user", *PROFILE_FIELDS)}),
        (_("Activity"), {"fields": ACTIVITY_FIELDS}),
    )
    add_fieldsets = (
        (_("Account"), {"fields": ("username", "email", "password1", "password2")}),
        (_("Profile"), {"fields": ("display_name", "role", "slots", "teams")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("teams")

    @admin.display(description=_("teams"))
    def team_names(self, obj):
        return ", ".join(team.name for team in obj.teams.all())

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AgentCreateForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            kwargs["choices"] = _role_choices(request)
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _may_manage(
            request, obj.user if obj is not None else None
        )

    def save_model(self, request, obj, form, change):
        if change:
            _profile_save(obj, form)
            return
        data = form.cleaned_data
        profile = agent_create(
            username=data["username"],
            password=data["password1"],
            email=data["email"],
            display_name=data["display_name"],
            role=data["role"],
            teams=data["teams"],
            slots=data["slots"],
        )
        copy_saved(obj, profile)

    def save_related(self, request, form, formsets, change):
        if change:  # agent_create has already set the teams of a new agent.
            super().save_related(request, form, formsets, change)


class AgentProfileInline(admin.StackedInline):
    """The agent profile on the user's page; saved by ``UserAdmin.save_formset``."""

    model = AgentProfile
    fields = (*PROFILE_FIELDS, *ACTIVITY_FIELDS)
    readonly_fields = ACTIVITY_FIELDS
    filter_horizontal = ("teams",)
    can_delete = False
    extra = 0
    max_num = 1
    verbose_name_plural = _("agent profile")

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            kwargs["choices"] = _role_choices(request)
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and _may_manage(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _may_manage(request, obj)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """The role groups are rebuilt from ``accounts.roles`` after every migrate, so they are
    read-only here; other groups are the administrators' own."""

    list_display = ("name", "is_role_group")

    @admin.display(boolean=True, description=_("role group"))
    def is_role_group(self, obj):
        return obj.name in ROLE_GROUP_NAMES.values()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (
            obj is not None and self.is_role_group(obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (
            obj is not None and self.is_role_group(obj)
        )


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "display_name",
        "role",
        "email",
        "is_active",
        "is_staff",
        "last_login",
    )
    list_filter = ("agent_profile__role", "is_staff", "is_superuser", "is_active")
    list_select_related = ("agent_profile",)
    inlines = (AgentProfileInline,)

    @admin.display(description=_("display name"), ordering="agent_profile__display_name")
    def display_name(self, obj):
        profile = getattr(obj, "agent_profile", None)
        return profile.display_name if profile is not None else ""

    @admin.display(description=_("role"), ordering="agent_profile__role")
    def role(self, obj):
        role = role_of(obj)
        return role.label if role is not None else ""

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agent_profile")

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if _is_administrator(request.user):
            return readonly
        # Groups follow the role (agent_set_role); only administrators grant more.
        return (*readonly, "is_superuser", "groups", "user_permissions")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _may_manage(request, obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not AgentProfile:
            super().save_formset(request, form, formset, change)
            return
        # The admin's change message reads these three lists, normally filled by formset.save().
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for profile_form in formset.forms:
            if not profile_form.has_changed() or not profile_form.cleaned_data:
                continue
            if profile_form.instance.pk is None:
                profile = self._profile_create(request, form.instance, profile_form.cleaned_data)
                if profile is not None:
                    formset.new_objects.append(profile)
                continue
            profile = _profile_save(profile_form.save(commit=False), profile_form)
            profile_form.save_m2m()
            formset.changed_objects.append((profile, profile_form.changed_data))

    def _profile_create(self, request, user, data) -> AgentProfile | None:
        try:
            profile = agent_profile_create(
                user=user,
                display_name=data["display_name"],
                role=data["role"],
                teams=data["teams"],
                slots=data["slots"],
            )
        except DomainError as error:
            self.message_user(request, error.detail, messages.ERROR)
            return None
        profile.language = data["language"]
        profile.photo = data.get("photo") or ""
        profile.save(update_fields=["language", "photo"])
        return profile


# --- API tokens -----------------------------------------------------------------------


class RevokedFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return (("active", _("Active")), ("revoked", _("Revoked")))

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by ``api_token_create``, whose plain key is shown once on the next
    page, and revoked by ``api_token_revoke``. The digest never leaves the database; rows
    are revoked, not deleted, so their use stays on record."""

    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    list_filter = (RevokedFilter, "created_at")
    list_select_related = ("user",)
    search_fields = ("prefix", "name", "user__username")
    autocomplete_fields = ("user",)
    date_hierarchy = "created_at"
    readonly_fields = ("prefix", "user", "created_at", "last_used_at", "revoked_at")
    actions = ("revoke_tokens",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("user", "name")
        return ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request):
        return request.user.has_perm("accounts.delete_apitoken")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, key = api_token_create(user=obj.user, name=obj.name)
        copy_saved(obj, token)
        messages.success(
            request,
            format_html(
                "{} <code>{}</code> {}",
                _("The key of the new token is"),
                key,
                _("Copy it now: it will not be shown again."),
            ),
        )

    @admin.action(
        description=_("Revoke this token"),
        description_plural=_("Revoke selected tokens"),
        permissions=["revoke"],
        location=[admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM],
    )
    def revoke_tokens(self, request, queryset):
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token)
            revoked += 1
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )
