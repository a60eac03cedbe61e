"""The embeddable widget (W1): ``/widget.js``, the loader a host page includes, and
``/widget/frame/``, the chat page the loader opens in an iframe.

The chat runs in an iframe on Comptoir's own origin, so its socket and HTTP calls are
same-origin and the host page can neither style nor script it. The loader and the frame
talk only through ``postMessage``, each checking the other's origin."""

from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from chat.errors import ErrorCode
from chat.services.sessions import widget_get_active
from chat.widget_api.config import widget_language
from helpdesk.errors import NotFound

LOADER = "widget/loader.js"
LOADER_MAX_AGE_S = 300


@cache
def _cached_static(path: str) -> bytes:
    return _read_static(path)


def _read_static(path: str) -> bytes:
    """A file of the static tree: from the source folders (development, tests) or from
    collectstatic's output (production, where finders may not be used)."""
    found = finders.find(path)
    if found:
        with open(found, "rb") as file:
            return file.read()
    with staticfiles_storage.open(path) as file:
        return file.read()


@require_GET
@gzip_page
def widget_js(request):
    """The loader. Its URL is the one host pages paste, so it cannot carry a version:
    it is cached briefly and stays small (≤ 5 KB gzipped, measured by bench)."""
    body = _read_static(LOADER) if settings.DEBUG else _cached_static(LOADER)
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={LOADER_MAX_AGE_S}"
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def frame_strings() -> dict:
    """The texts the frame's scripts compose at run time, in the active language. The
    static texts are in the template."""
    return {
        "you": _("You"),
        "agent": _("Agent"),
        "sending": _("Sending…"),
        "sent": _("Sent"),
        "failed": _("Not sent."),
        "retry": _("Retry"),
        "typing": _("%(name)s is typing…"),
        "with_agent": _("You are chatting with %(name)s"),
        "queue": _("You are number %(position)s in the queue."),
        "wait": _("Estimated wait: about %(minutes)s min."),
        "reconnecting": _("Connection lost. Reconnecting…"),
        "offline": _("You are offline. Your messages will be sent when the connection is back."),
        "unavailable": _("The chat is unavailable. Please try again later."),
        "required": _("This field is required."),
        "invalid_email": _("Enter a valid email address."),
        "uploading": _("Uploading %(name)s…"),
        "upload_failed": _("%(name)s could not be sent: %(reason)s"),
        "too_large": _("The file is too large (%(size)s at most)."),
        "download": _("Download %(name)s (%(size)s)"),
        "ended": _("The chat has ended."),
        "error": _("Something went wrong. Please try again."),
        "closed": _("We are closed right now. Leave us a message and we will answer by email."),
        "nobody_accepting": _(
            "Nobody is available right now. Leave us a message and we will answer by email."
        ),
        "queue_full": _("All our agents are busy. Leave us a message and we will answer by email."),
    }


@require_GET
@xframe_options_exempt
@vary_on_headers("Accept-Language")
def widget_frame(request):
    """The chat inside the iframe: ``?widget=KEY&lang=fr-FR&origin=https://host``.
    ``origin`` is the host page's origin, the only one the frame will talk to."""
    try:
        widget = widget_get_active(request.GET.get("widget", ""))
    except NotFound:
        raise Http404(ErrorCode.WIDGET_NOT_FOUND) from None
    language = widget_language(
        widget, request.GET.get("lang") or request.headers.get("Accept-Language", "")
    )
    origin = request.GET.get("origin", "")
    if widget.allowed_origins and origin.rstrip("/") not in {
        o.rstrip("/") for o in widget.allowed_origins
    }:
        origin = ""
    with translation.override(language):
        data = {
            "widget": widget.public_key,
            "language": language,
            "origin": origin,
            "title": widget.title or widget.name,
            "color": widget.color,
            "welcome_message": widget.welcome_message,
            "prechat_mode": widget.prechat_mode,
            "max_bytes": min(widget.attachment_max_bytes, settings.ATTACHMENT_MAX_BYTES),
            "strings": frame_strings(),
        }
        response = render(
            request,
            "widget/frame.html",
            {
                "widget": widget,
                "data": data,
                "language": language,
                "prechat_fields": _prechat_fields(widget.prechat_fields),
                "accept": ",".join(settings.ATTACHMENT_CONTENT_TYPES),
            },
        )
    response["Content-Security-Policy"] = _frame_csp(widget, request.get_host())
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response


def _prechat_fields(fields) -> list[dict]:
    """The widget's custom questions, keeping only well-formed ones."""
    cleaned = []
    for index, field in enumerate(fields if isinstance(fields, list) else []):
        if not isinstance(field, dict) or not str(field.get("name", "")).strip():
            continue
        name = str(field["name"]).strip()
        cleaned.append(
            {
                "name": name,
                "label": str(field.get("label") or name),
                "required": bool(field.get("required")),
                "id": f"prechat-q{index}",
            }
        )
    return cleaned


def _frame_csp(widget, host: str) -> str:
    """Nothing inline; the socket to this host (spelled out: older browsers do not count
    ws: as 'self'); embeddable by the widget's allowed origins, or anywhere."""
    ancestors = " ".join(["'self'", *widget.allowed_origins]) if widget.allowed_origins else "*"
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: blob: https:",
            f"connect-src 'self' ws://{host} wss://{host}",
            "font-src 'self'",
            "form-action 'none'",
            "base-uri 'none'",
            f"frame-ancestors {ancestors}",
        ]
    )
