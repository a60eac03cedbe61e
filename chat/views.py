"""Server-rendered pages of the agent workspace at ``/`` and the htmx partials they load.

Views parse input, call a selector (reads) or the service the REST API and the sockets
also use (writes), and render. Refusals (``DomainError``) come back as a small error
partial with the error's 4xx status, which htmx swaps in where the result would have gone.
"""

import functools

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import is_agent, is_supervisor
from chat import events
from chat.dashboard import selectors as dashboard_selectors
from chat.dashboard.forms import BlockForm, NoteForm, TitleForm, TransferForm
from chat.dashboard.pseudonyms import contact_display_name
from chat.models import ConversationStatus
from chat.selectors import conversation_get_for_agent
from chat.services import conversations
from chat.services.attachments import attachment_store
from contacts import services as contact_services
from contacts.selectors import contact_get_for_user, contact_notes_for_user
from helpdesk.errors import DomainError


def agent_view(view):
    """Login required (redirect to /login/), then agents, supervisors and administrators
    only (403 for other users). DomainErrors become the error partial, or ``{"code",
    "detail"}`` for a caller that accepts JSON."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_agent(request.user):
            raise DjangoPermissionDenied
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            if "application/json" in request.headers.get("Accept", ""):
                body = {"code": error.code, "detail": _error_message(error)}
                return JsonResponse(body, status=error.status)
            return render(
                request,
                "chat/partials/error.html",
                {"error": error, "message": _error_message(error)},
                status=error.status,
            )

    return wrapper


def _error_message(error: DomainError) -> str:
    """A translated sentence for the codes an agent meets; the service's detail otherwise."""
    messages = {
        "agent_unavailable": _("This agent is not accepting chats or has no free slot."),
        "conversation_closed": _("This chat is closed."),
        "conversation_not_found": _("This chat is no longer yours, or does not exist."),
        "not_assignee": _("Only the chat's agent can do this."),
        "already_blocked": _("This contact is already blocked."),
        "not_blocked": _("This contact is not blocked."),
        "empty_note": _("A note cannot be empty."),
        "invalid_transfer": _("Choose one agent or one team."),
        "invalid_title": _("A title holds 200 characters at most."),
    }
    return messages.get(error.code, error.detail)


def _form_error(form) -> DomainError:
    first = next(iter(form.errors.values()))[0]
    return DomainError("invalid", first)


# --- The workspace -----------------------------------------------------------------------


@agent_view
@require_GET
def dashboard(request):
    """The agent's workspace at ``/``: header with status, chat circles, the open chat and
    the visitor panel. The script starts from ``state`` and keeps it live over the socket."""
    state = dashboard_selectors.dashboard_state(request.user)
    return render(
        request,
        "chat/dashboard.html",
        {"state": state, "boot": {**boot_data(), "state": state}, "section": "chats"},
    )


@agent_view
@require_GET
def state(request):
    """The dashboard's state as JSON: fetched again after every socket reconnect."""
    return JsonResponse(dashboard_selectors.dashboard_state(request.user))


@agent_view
@require_GET
def chat_summary(request, pk):
    """One circle, for a chat the script learns about from an event."""
    return JsonResponse(dashboard_selectors.chat_summary_for(request.user, pk))


@agent_view
@require_GET
def history(request, pk):
    """``?before=ID``: one page of older messages, oldest first, internal notes included.
    Without ``before``: the newest page. ``complete`` tells whether older ones remain."""
    conversation = conversation_get_for_agent(request.user, pk)
    before = request.GET.get("before")
    before = int(before) if before and before.isdigit() else None
    page = dashboard_selectors.messages_before(conversation, before)
    return JsonResponse(
        {
            "conversation": conversation.pk,
            "messages": [events.message_payload(m) for m in page],
            "complete": len(page) < dashboard_selectors.HISTORY_PAGE,
        }
    )


@agent_view
@require_POST
def upload(request, pk):
    """Multipart ``file``: store an agent's file for this chat and answer its attachment
    object (201); ``message.send`` with its id then posts it. Checked and stored by the
    attachments service, within the widget's size limit."""
    conversation = conversation_get_for_agent(request.user, pk)
    upload = request.FILES.get("file")
    if upload is None:
        raise DomainError("attachment_missing", _("Choose a file to attach."))
    limit = min(conversation.widget.attachment_max_bytes, settings.ATTACHMENT_MAX_BYTES)
    if upload.size > limit:
        raise DomainError(
            "attachment_too_large",
            _("A file may hold %(max)s at most.") % {"max": filesizeformat(limit)},
        )
    attachment = attachment_store(
        name=upload.name,
        content_type=upload.content_type,
        content=upload.read(),
        uploaded_by=request.user,
        conversation=conversation,
    )
    return JsonResponse(events.attachment_payload(attachment), status=201)


# --- The visitor panel (htmx) ------------------------------------------------------------


def _panel_context(request, conversation):
    contact = conversation.contact
    visitor = conversation.visitor
    metadata = conversation.metadata or {}
    prechat = metadata.get("prechat") or visitor.prechat or {}
    on_site_since = min(
        (t for t in (conversation.created_at, visitor.last_seen_at) if t), default=None
    )
    return {
        "conversation": conversation,
        "contact": contact,
        "visitor": visitor,
        "name": contact_display_name(contact, conversation.visitor_id),
        "page": conversation.page or {},
        "page_href": safe_href((conversation.page or {}).get("url", "")),
        "ticket_url": _ticket_create_url(conversation),
        "referrer": metadata.get("referrer") or (conversation.page or {}).get("referrer", ""),
        "language": metadata.get("language") or visitor.language,
        "timezone_name": metadata.get("timezone") or visitor.timezone,
        "browser": metadata.get("browser") or visitor.user_agent,
        "browser_summary": dashboard_selectors.browser_summary(
            metadata.get("browser") or visitor.user_agent
        ),
        "prechat_name": prechat.get("name", ""),
        "prechat_email": prechat.get("email", ""),
        "prechat_fields": sorted((prechat.get("fields") or {}).items()),
        "on_site_since": on_site_since,
        "now": timezone.now(),
        "notes": _notes(request.user, contact),
        "note_form": NoteForm(),
        "timeline": dashboard_selectors.contact_timeline(
            request.user, contact, exclude_conversation_id=conversation.pk
        ),
        "is_open": conversation.is_open,
        "is_mine": conversation.assignee_id == request.user.pk,
        "is_queued": conversation.status == ConversationStatus.QUEUED,
        "supervisor": is_supervisor(request.user),
        "block_form": BlockForm(),
    }


def safe_href(url) -> str:
    """``url`` if it is an http(s) link, else "": visitor-supplied URLs never become
    ``javascript:`` links."""
    if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
        return url
    return ""


def _ticket_create_url(conversation) -> str | None:
    """``POST /api/v1/conversations/{id}/ticket/`` once the tickets app provides it."""
    url = reverse("conversation-detail", args=[conversation.pk]) + "ticket/"
    try:
        resolve(url)
    except Resolver404:
        return None
    return url


def _notes(user, contact):
    supervisor = is_supervisor(user)
    notes = list(contact_notes_for_user(user, contact.pk))
    for note in notes:
        note.editable = supervisor or note.author_id == user.pk
    return notes


@agent_view
@require_GET
def panel(request, pk):
    """Right-hand panel of a chat: who the visitor is (A5), the contact's notes (C4) and
    timeline (C6), and the chat's actions (A6, A7, A9)."""
    conversation = conversation_get_for_agent(request.user, pk)
    return render(request, "chat/partials/panel.html", _panel_context(request, conversation))


@agent_view
@require_POST
def title(request, pk):
    """Rename a chat (A8, C5): ``conversation_set_title``, which tells the other agents."""
    conversation = conversation_get_for_agent(request.user, pk)
    form = TitleForm(request.POST)
    if not form.is_valid():
        raise _form_error(form)
    conversation = conversations.conversation_set_title(
        conversation=conversation, title=form.cleaned_data["title"]
    )
    return render(request, "chat/partials/title.html", {"conversation": conversation})


@agent_view
@require_POST
def close(request, pk):
    """Close a chat (A7) with ``conversation_close``; the socket event updates the list."""
    conversation = conversation_get_for_agent(request.user, pk)
    conversations.conversation_close(conversation=conversation, actor=request.user)
    return render(request, "chat/partials/done.html", {"message": _("Chat closed.")})


@agent_view
@require_POST
def take(request, pk):
    """Take a queued chat of one's team: a transfer to oneself, so the usual checks apply
    (accepting, a free slot)."""
    conversation = conversation_get_for_agent(request.user, pk)
    conversations.conversation_transfer(
        conversation=conversation, actor=request.user, agent_id=request.user.pk
    )
    return render(request, "chat/partials/done.html", {"message": _("The chat is yours.")})


@agent_view
@require_http_methods(["GET", "POST"])
def transfer(request, pk):
    """GET: the transfer form, listing agents with their status and free slots and teams
    with how many accept (A6). POST: ``conversation_transfer`` with the note."""
    conversation = conversation_get_for_agent(request.user, pk)
    if request.method == "POST":
        form = TransferForm(request.POST)
        if not form.is_valid():
            raise _form_error(form)
        conversations.conversation_transfer(
            conversation=conversation, actor=request.user, **form.service_kwargs()
        )
        return render(request, "chat/partials/done.html", {"message": _("Chat transferred.")})
    agents, teams = dashboard_selectors.transfer_targets(conversation)
    return render(
        request,
        "chat/partials/transfer.html",
        {"conversation": conversation, "agents": agents, "teams": teams},
    )


@agent_view
@require_GET
def transcript(request, pk):
    """A chat as a page, for the timeline's earlier chats: every message, notes included."""
    conversation = conversation_get_for_agent(request.user, pk)
    messages = conversation.messages.select_related(
        "conversation__contact", "author__agent_profile"
    ).prefetch_related("attachments")
    return render(
        request,
        "chat/transcript.html",
        {
            "conversation": conversation,
            "name": contact_display_name(conversation.contact, conversation.visitor_id),
            "messages": messages,
            "section": "chats",
            "boot": workspace_boot(request.user),
        },
    )


# --- Contacts: notes and blocks (htmx) ---------------------------------------------------


def _notes_response(request, contact, *, status=200):
    return render(
        request,
        "chat/partials/notes.html",
        {"contact": contact, "notes": _notes(request.user, contact), "note_form": NoteForm()},
        status=status,
    )


@agent_view
@require_http_methods(["GET", "POST"])
def notes(request, contact_id):
    """GET: the contact's notes. POST: ``contact_note_add`` (C4), then the notes again."""
    contact = contact_get_for_user(request.user, contact_id)
    if request.method == "POST":
        form = NoteForm(request.POST)
        if not form.is_valid():
            raise _form_error(form)
        contact_services.contact_note_add(
            contact=contact, author=request.user, body=form.cleaned_data["body"]
        )
    return _notes_response(request, contact)


@agent_view
@require_http_methods(["GET", "POST"])
def note_edit(request, contact_id, note_id):
    """GET: a note's edit form. POST: ``contact_note_edit``. Authors edit their notes,
    supervisors any."""
    contact = contact_get_for_user(request.user, contact_id)
    note = dashboard_selectors.contact_note_get_for_editor(request.user, contact.pk, note_id)
    if request.method == "POST":
        form = NoteForm(request.POST)
        if not form.is_valid():
            raise _form_error(form)
        contact_services.contact_note_edit(note=note, body=form.cleaned_data["body"])
        return _notes_response(request, contact)
    return render(
        request,
        "chat/partials/note_edit.html",
        {"contact": contact, "note": note, "form": NoteForm(initial={"body": note.body})},
    )


@agent_view
@require_POST
def block(request, contact_id):
    """``contact_block`` with a reason (A9): messages are kept but no longer delivered."""
    return _block_or_unblock(request, contact_id, contact_services.contact_block)


@agent_view
@require_POST
def unblock(request, contact_id):
    """``contact_unblock``: delivery resumes."""
    return _block_or_unblock(request, contact_id, contact_services.contact_unblock)


def _block_or_unblock(request, contact_id, service):
    contact = contact_get_for_user(request.user, contact_id)
    form = BlockForm(request.POST)
    if not form.is_valid():
        raise _form_error(form)
    contact = service(contact=contact, actor=request.user, reason=form.cleaned_data["reason"])
    response = render(
        request, "chat/partials/block.html", {"contact": contact, "block_form": BlockForm()}
    )
    # The chat list greys out (or back) the contact's circles at once.
    response["HX-Trigger"] = "contact-changed"
    return response


def boot_data() -> dict:
    """What every workspace page hands its script: URL templates (``0`` stands for an id)."""
    return {
        "urls": {
            "state": reverse("dashboard-state"),
            "summary": reverse("dashboard-summary", args=[0]),
            "history": reverse("dashboard-history", args=[0]),
            "panel": reverse("dashboard-panel", args=[0]),
            "canned": reverse("canned-response-list"),
            "upload": reverse("dashboard-upload", args=[0]),
            "ticket": reverse("dashboard-ticket", args=[0]),
            "socket": "/ws/agent/",
        }
    }


def workspace_boot(user) -> dict:
    """``boot_data`` and who the agent is, for workspace pages other than the chats."""
    return {**boot_data(), "me": dashboard_selectors.agent_me(user)}
