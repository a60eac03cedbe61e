"""What the widget needs to draw itself: the public part of a widget's settings."""

from django.utils import translation
from django.utils.translation import gettext as _

from chat.availability import Availability
from chat.models import Widget

LANGUAGES = ("en", "fr")


def widget_config(widget: Widget, availability: Availability) -> dict:
    return {
        "key": widget.public_key,
        "name": widget.name,
        "title": widget.title or widget.name,
        "color": widget.color,
        "position": widget.position,
        "language": widget.language or None,
        "welcome_message": widget.welcome_message,
        "prechat": {"mode": widget.prechat_mode, "fields": widget.prechat_fields},
        "target_patterns": widget.target_patterns,
        "attachments": {"max_bytes": widget.attachment_max_bytes},
        "offline_reason": availability.reason,
    }


def widget_language(widget: Widget, requested: str = "") -> str:
    """The widget's forced language, else the visitor's browser language if supported,
    else English (W15)."""
    if widget.language in LANGUAGES:
        return widget.language
    for tag in (requested or "").replace("_", "-").lower().split(","):
        base = tag.strip().split(";")[0].split("-")[0]
        if base in LANGUAGES:
            return base
    return "en"


def loader_config(widget: Widget, language: str) -> dict:
    """What the loader in the host page needs before drawing the launcher (W1, W13): the
    look, the target pages and the launcher's labels in the visitor's language."""
    with translation.override(language):
        strings = {
            "open": _("Open the chat"),
            "close": _("Close the chat"),
            "frame": _("Chat with %(name)s") % {"name": widget.title or widget.name},
            "unread_one": _("1 new message"),
            "unread": _("%(count)s new messages"),
        }
    return {
        "key": widget.public_key,
        "title": widget.title or widget.name,
        "color": widget.color,
        "position": widget.position,
        "language": language,
        "target_patterns": widget.target_patterns,
        "strings": strings,
    }
