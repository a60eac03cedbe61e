"""What the widget needs to draw itself: the public part of a widget's settings."""

from chat.availability import Availability
from chat.models import Widget


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
