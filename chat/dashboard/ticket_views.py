"""Ticket pages of the agent workspace (T6): the list with its filters and the views *my
open* and *unassigned*, and a ticket's page with its state menu, properties, public reply,
internal comment, attachments and timeline (T1–T5, T8).

Reads go through ``tickets.selectors``, writes through ``tickets.services``, exactly as
the REST API's. Forms post and redirect back (no script needed); a refusal re-renders the
page with the service's message and its 4xx status."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Team
from chat.dashboard.forms import (
    TicketCommentForm,
    TicketFilterForm,
    TicketPropertiesForm,
    TicketReplyForm,
)
from chat.dashboard.selectors import assignable_agents
from chat.views import agent_view, workspace_boot
from helpdesk.errors import DomainError
from tickets import selectors as ticket_selectors
from tickets import services as ticket_services
from tickets.events import display_body
from tickets.models import EventKind, Priority, TicketState

PAGE_SIZE = 25
MESSAGE_KINDS = {
    EventKind.CREATED,
    EventKind.REPLY,
    EventKind.COMMENT,
    EventKind.CUSTOMER_MESSAGE,
    EventKind.ATTACHMENT_ADDED,
}


@agent_view
@require_GET
def ticket_list(request):
    """Tickets the agent may see, filtered by state, assignee, team, tag and text."""
    form = TicketFilterForm(
        request.GET,
        states=TicketState.choices,
        agents=assignable_agents(),
        teams=Team.objects.order_by("name"),
    )
    form.is_valid()
    filters = form.selector_kwargs() if form.is_valid() else {}
    tickets = ticket_selectors.ticket_list_for_user(request.user, **filters).order_by(
        "-updated_at", "-id"
    )
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "chat/tickets/list.html",
        {
            "form": form,
            "page": page,
            "view": request.GET.get("view", ""),
            "query": query.urlencode(),
            "section": "tickets",
            "boot": workspace_boot(request.user),
        },
    )


def _detail(request, ticket, *, error=None, status=200, forms=None):
    events = list(ticket_selectors.ticket_events_for_user(request.user, ticket.pk))
    names = _change_names()
    for event in events:
        event.shown_body = display_body(event)
        event.is_message = event.kind in MESSAGE_KINDS
        event.change_text = "" if event.is_message else _change_text(event, names)
    forms = forms or {}
    return render(
        request,
        "chat/tickets/detail.html",
        {
            "ticket": ticket,
            "events": events,
            "tags": ", ".join(tag.name for tag in ticket.tags.all()),
            "properties": forms.get("properties") or _properties_form(ticket),
            "reply_form": forms.get("reply") or TicketReplyForm(),
            "comment_form": forms.get("comment") or TicketCommentForm(),
            "error": error,
            "section": "tickets",
            "boot": workspace_boot(request.user),
        },
        status=status,
    )


def _change_names() -> dict:
    agents = {a.user_id: a.display_name for a in assignable_agents()}
    return {
        EventKind.STATE_CHANGED: dict(TicketState.choices),
        EventKind.PRIORITY_CHANGED: dict(Priority.choices),
        EventKind.ASSIGNED: agents,
        EventKind.TEAM_CHANGED: dict(Team.objects.values_list("id", "name")),
    }


def _change_text(event, names) -> str:
    """ "Open → Pending", "Alice → Bob", "a, b → a, c" for a change entry."""
    data = event.data if isinstance(event.data, dict) else {}
    if "from" not in data and "to" not in data:
        return ""
    labels = names.get(event.kind, {})

    def show(value):
        if value is None or value == "" or value == []:
            return "—"
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(labels.get(value, value))

    return f"{show(data.get('from'))} → {show(data.get('to'))}"


def _properties_form(ticket, data=None):
    initial = {
        "title": ticket.title,
        "state": ticket.state,
        "assignee": ticket.assignee_id,
        "team": ticket.team_id,
        "priority": ticket.priority,
        "tags": ", ".join(tag.name for tag in ticket.tags.all()),
    }
    return TicketPropertiesForm(
        data,
        initial=initial,
        states=TicketState.choices,
        priorities=Priority.choices,
        agents=assignable_agents(),
        teams=Team.objects.order_by("name"),
    )


@agent_view
@require_GET
def ticket_detail(request, pk):
    ticket = ticket_selectors.ticket_get_for_user(request.user, pk)
    return _detail(request, ticket)


def _write(request, pk, form, key, call):
    """Validate ``form``, run ``call(ticket, form)``, and go back to the ticket; on a
    refusal show the page again with the message."""
    ticket = ticket_selectors.ticket_get_for_user(request.user, pk)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return _detail(request, ticket, error=first, status=400, forms={key: form})
    try:
        call(ticket, form)
    except DomainError as refusal:
        ticket = ticket_selectors.ticket_get_for_user(request.user, pk)
        return _detail(
            request, ticket, error=refusal.detail, status=refusal.status, forms={key: form}
        )
    return redirect("dashboard-ticket", pk=pk)


@agent_view
@require_POST
def ticket_edit(request, pk):
    """State menu, title, assignee, team, priority, tags: ``ticket_update``."""
    ticket = ticket_selectors.ticket_get_for_user(request.user, pk)
    form = _properties_form(ticket, request.POST)
    return _write(
        request,
        pk,
        form,
        "properties",
        lambda t, f: ticket_services.ticket_update(
            ticket=t, actor=request.user, **f.service_kwargs()
        ),
    )


@agent_view
@require_POST
def ticket_reply(request, pk):
    """A public reply, emailed to the requester: ``ticket_reply``."""
    return _write(
        request,
        pk,
        TicketReplyForm(request.POST),
        "reply",
        lambda t, f: ticket_services.ticket_reply(
            ticket=t,
            actor=request.user,
            body=f.cleaned_data["body"],
            ask_for_information=f.cleaned_data["ask_for_information"],
        ),
    )


@agent_view
@require_POST
def ticket_comment(request, pk):
    """An internal comment: ``ticket_comment``."""
    return _write(
        request,
        pk,
        TicketCommentForm(request.POST),
        "comment",
        lambda t, f: ticket_services.ticket_comment(
            ticket=t, actor=request.user, body=f.cleaned_data["body"]
        ),
    )


@agent_view
@require_POST
def ticket_attach(request, pk):
    """Files added to the ticket: ``ticket_attach``."""
    ticket = ticket_selectors.ticket_get_for_user(request.user, pk)
    try:
        ticket_services.ticket_attach(
            ticket=ticket, actor=request.user, files=request.FILES.getlist("files")
        )
    except DomainError as refusal:
        return _detail(request, ticket, error=refusal.detail, status=refusal.status)
    return redirect("dashboard-ticket", pk=pk)
