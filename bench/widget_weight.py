"""The widget's weight (issue 5's budgets): gzipped bytes of what a visitor downloads.

- ``loader_gzip_bytes``: ``/widget.js``, the one file every page of the host site loads
  (budget 5 KB).
- ``first_message_gzip_bytes``: everything before the visitor's first message can be sent:
  the loader, its config JSON, the chat frame's HTML, its stylesheet, every ES module it
  imports (followed from ``frame.js``) and the session JSON (budget 40 KB).

Standalone: the files are read from ``static/`` and gzipped here, no server. The frame's
HTML and the JSON answers are rendered with Django when it is configured (an unsaved
widget, no database); otherwise the template's source stands in for the HTML and the JSON
is left out (``"estimated": true``). ``python -m bench.widget_weight`` prints the figures."""

import gzip
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"
LOADER = "widget/loader.js"
FRAME_ENTRY = "widget/frame.js"
FRAME_CSS = "widget/frame.css"
FRAME_TEMPLATE = ROOT / "templates" / "widget" / "frame.html"
LOADER_BUDGET = 5 * 1024
FIRST_MESSAGE_BUDGET = 40 * 1024
# WhiteNoise precompresses static files at level 9; Django's gzip_page (the loader, the
# HTML and JSON answers) compresses at level 6.
STATIC_LEVEL = 9
DYNAMIC_LEVEL = 6
IMPORT_RE = re.compile(r"""^\s*(?:import|export)\b[^'"]*?\bfrom\s*["']([^"']+)["']""", re.M)


def _gzip(data: bytes, level: int) -> int:
    return len(gzip.compress(data, compresslevel=level, mtime=0))


def module_graph(entry: str) -> list[str]:
    """``entry`` and every module it imports, relative to ``static/``, in load order."""
    seen: list[str] = []
    pending = [entry]
    while pending:
        name = pending.pop(0)
        if name in seen:
            continue
        seen.append(name)
        source = (STATIC / name).read_text()
        for spec in IMPORT_RE.findall(source):
            if spec.startswith("."):
                resolved = (Path(name).parent / spec).as_posix()
                parts: list[str] = []
                for part in resolved.split("/"):
                    if part == "..":
                        parts.pop()
                    elif part != ".":
                        parts.append(part)
                pending.append("/".join(parts))
    return seen


def _rendered() -> dict[str, bytes] | None:
    """The frame's HTML and the loader's and frame's JSON answers for a typical widget."""
    try:
        from django.conf import settings

        if not settings.configured:
            return None
        from django.template.loader import render_to_string

        from accounts.models import Team
        from chat.availability import Availability
        from chat.models import Widget
        from chat.widget_api.config import loader_config, widget_config
        from chat.widget_views import frame_strings
    except Exception:  # any missing piece means "not rendered"
        return None
    widget = Widget(
        public_key="demo",
        name="Demo widget",
        team=Team(name="Support"),
        welcome_message="Hello! Ask us anything about your order.",
    )
    data = {
        "widget": widget.public_key,
        "language": "en",
        "origin": "https://shop.example",
        "title": widget.name,
        "color": widget.color,
        "welcome_message": widget.welcome_message,
        "prechat_mode": widget.prechat_mode,
        "max_bytes": widget.attachment_max_bytes,
        "strings": frame_strings(),
    }
    html = render_to_string(
        "widget/frame.html",
        {
            "widget": widget,
            "data": data,
            "language": "en",
            "prechat_fields": [],
            "accept": ",".join(settings.ATTACHMENT_CONTENT_TYPES),
        },
    )
    session = {
        "visitor_token": "x" * 110,
        "visitor_id": "00000000-0000-0000-0000-000000000000",
        "available": True,
        "config": widget_config(widget, Availability(True)),
        "conversation": None,
        "prechat_done": False,
        "prechat": None,
    }
    return {
        "/api/widget/v1/config": json.dumps(loader_config(widget, "en")).encode(),
        "/widget/frame/": html.encode(),
        "/api/widget/v1/session": json.dumps(session).encode(),
    }


def bench_widget_weight() -> dict:
    """Gzipped sizes in bytes: ``loader_gzip_bytes``, ``first_message_gzip_bytes``, each
    file under ``files`` (``{"raw", "gzip"}``), the budgets and whether they are met."""
    files: dict[str, dict] = {}

    def add(name: str, data: bytes, level: int) -> None:
        files[name] = {"raw": len(data), "gzip": _gzip(data, level)}

    add(LOADER, (STATIC / LOADER).read_bytes(), DYNAMIC_LEVEL)
    rendered = _rendered()
    estimated = rendered is None
    if rendered is None:
        add("/widget/frame/ (template source)", FRAME_TEMPLATE.read_bytes(), DYNAMIC_LEVEL)
    else:
        for name, data in rendered.items():
            add(name, data, DYNAMIC_LEVEL)
    add(FRAME_CSS, (STATIC / FRAME_CSS).read_bytes(), STATIC_LEVEL)
    for module in module_graph(FRAME_ENTRY):
        add(module, (STATIC / module).read_bytes(), STATIC_LEVEL)
    loader = files[LOADER]["gzip"]
    total = sum(f["gzip"] for f in files.values())
    return {
        "loader_gzip_bytes": loader,
        "first_message_gzip_bytes": total,
        "loader_budget_bytes": LOADER_BUDGET,
        "first_message_budget_bytes": FIRST_MESSAGE_BUDGET,
        "within_budget": loader <= LOADER_BUDGET and total <= FIRST_MESSAGE_BUDGET,
        "requests_before_first_message": len(files),
        "estimated": estimated,
        "files": files,
    }


if __name__ == "__main__":
    try:
        import os

        import django

        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings.dev")
        django.setup()
    except Exception:  # standalone without Django: estimated figures
        pass
    sys.stdout.write(json.dumps(bench_widget_weight(), indent=2) + "\n")
