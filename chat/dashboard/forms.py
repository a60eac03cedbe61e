"""Input of the dashboard's htmx forms. They only parse; the services validate the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chat.services.conversations import MAX_NOTE_CHARS, MAX_TITLE_CHARS


class TitleForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=MAX_TITLE_CHARS, required=False, strip=True
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("A note cannot be empty.")},
    )


class BlockForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class TransferForm(forms.Form):
    """``target`` is ``agent:ID`` or ``team:ID`` (one radio group for both)."""

    target = forms.RegexField(
        regex=r"^(agent|team):\d+$",
        error_messages={
            "required": _("Choose one agent or one team."),
            "invalid": _("Choose one agent or one team."),
        },
    )
    note = forms.CharField(
        label=_("Note for the next agent"), max_length=MAX_NOTE_CHARS, required=False
    )

    def service_kwargs(self) -> dict:
        kind, _sep, value = self.cleaned_data["target"].partition(":")
        return {f"{kind}_id": int(value), "note": self.cleaned_data["note"]}


class InviteForm(forms.Form):
    """Live visitors' *Invite to chat* (A10): the agent's first message."""

    body = forms.CharField(
        label=_("Message"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a message for the visitor.")},
    )


class TicketFilterForm(forms.Form):
    """The ticket list's filters (T6). Choices are filled in by the view."""

    VIEWS = (("", _("All")), ("mine", _("My open")), ("unassigned", _("Unassigned")))

    view = forms.ChoiceField(choices=VIEWS, required=False)
    state = forms.ChoiceField(required=False)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None)
    tag = forms.CharField(label=_("Tag"), max_length=50, required=False)
    q = forms.CharField(label=_("Text"), max_length=200, required=False)

    def __init__(self, *args, states=(), agents=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].label = _("State")
        self.fields["state"].choices = [("", _("Any (not spam)")), *states]
        self.fields["assignee"].choices = [
            ("", _("Anyone")),
            ("me", _("Me")),
            ("none", _("Nobody")),
            *[(str(a.user_id), a.display_name) for a in agents],
        ]
        self.fields["team"].choices = [("", _("Any team")), *[(t.pk, t.name) for t in teams]]

    def selector_kwargs(self) -> dict:
        """The filters as ``tickets.selectors.ticket_list_for_user`` takes them; the views
        *my open* and *unassigned* preset state and assignee."""
        data = self.cleaned_data
        kwargs = {
            "state": data.get("state") or None,
            "assignee": data.get("assignee") or None,
            "team": data.get("team"),
            "tag": data.get("tag") or None,
            "q": data.get("q") or None,
        }
        if data.get("view") == "mine":
            kwargs.update(state="open", assignee="me")
        elif data.get("view") == "unassigned":
            kwargs.update(state=kwargs["state"] or "open", assignee="none")
        if kwargs["assignee"] not in (None, "me", "none"):
            kwargs["assignee"] = int(kwargs["assignee"])
        return kwargs


class TicketPropertiesForm(forms.Form):
    """State, title, assignee, team, priority and tags (T4), all sent to ``ticket_update``."""

    title = forms.CharField(label=_("Title"), max_length=300)
    state = forms.ChoiceField(label=_("State"))
    assignee = forms.TypedChoiceField(
        label=_("Assignee"), coerce=int, required=False, empty_value=None
    )
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None)
    priority = forms.TypedChoiceField(label=_("Priority"), coerce=int)
    tags = forms.CharField(
        label=_("Tags"), max_length=500, required=False, help_text=_("Separated by commas.")
    )

    def __init__(self, *args, states=(), priorities=(), agents=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = list(states)
        self.fields["priority"].choices = list(priorities)
        self.fields["assignee"].choices = [
            ("", _("Nobody")),
            *[(a.user_id, a.display_name) for a in agents],
        ]
        self.fields["team"].choices = [("", _("No team")), *[(t.pk, t.name) for t in teams]]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "state": data["state"],
            "assignee_id": data["assignee"],
            "team_id": data["team"],
            "priority": data["priority"],
            "tags": [t.strip() for t in data["tags"].split(",") if t.strip()],
        }


class TicketReplyForm(forms.Form):
    body = forms.CharField(label=_("Reply to the requester"), widget=forms.Textarea)
    ask_for_information = forms.BooleanField(
        label=_("Ask for information (the ticket becomes pending)"), required=False
    )


class TicketCommentForm(forms.Form):
    body = forms.CharField(label=_("Internal comment"), widget=forms.Textarea)
