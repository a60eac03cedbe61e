"""Live visitors (A10): the page listing who is on the site now, its list refreshed by
htmx every few seconds, and the *Invite to chat* form and action."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chat import live
from chat.dashboard.forms import InviteForm
from chat.dashboard.pseudonyms import contact_display_name
from chat.errors import ErrorCode
from chat.services.invitations import visitor_invite
from chat.views import _form_error, agent_view, workspace_boot
from helpdesk.errors import NotFound

REFRESH_S = 10


def _list_context(request) -> dict:
    return {
        "visitors": live.live_visitors_for(request.user),
        "now": timezone.now(),
        "refresh_s": REFRESH_S,
        "limit": live.MAX_LIVE,
    }


@agent_view
@require_GET
def live_visitors(request):
    """The page: who is on the sites of the agent's teams (all sites for supervisors)."""
    return render(
        request,
        "chat/live/page.html",
        {**_list_context(request), "section": "visitors", "boot": workspace_boot(request.user)},
    )


@agent_view
@require_GET
def live_visitors_list(request):
    """The list alone, for htmx's periodic refresh."""
    return render(request, "chat/live/list.html", _list_context(request))


def _visitor(request, visitor_id):
    visitor = live.live_visitor_get_for(request.user, visitor_id)
    if visitor is None:
        raise NotFound(ErrorCode.VISITOR_NOT_FOUND, _("This visitor is not on your sites."))
    return visitor


@agent_view
@require_http_methods(["GET", "POST"])
def invite(request, visitor_id):
    """GET: the invitation form with a default message. POST: ``visitor_invite``; the new
    chat reaches the agent's chat list through ``conversation.assigned``."""
    visitor = _visitor(request, visitor_id)
    if request.method == "POST":
        form = InviteForm(request.POST)
        if not form.is_valid():
            raise _form_error(form)
        visitor_invite(agent=request.user, visitor=visitor, body=form.cleaned_data["body"])
        return render(
            request,
            "chat/partials/done.html",
            {"message": _("Invitation sent: the chat is in your Chats.")},
        )
    form = InviteForm(initial={"body": _("Hello! Can I help you with anything?")})
    name = contact_display_name(visitor.contact, visitor.pk)
    return render(
        request, "chat/live/invite.html", {"visitor": visitor, "name": name, "form": form}
    )
