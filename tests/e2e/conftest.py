"""Browser tests: a real daphne server, Debian's Chromium driven by Playwright, and a host
page on another origin. A missing browser fails the run; it is never skipped."""

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from tests import servers

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Playwright's sync API keeps an event loop running in the test thread; Django would then
# refuse the fixtures' database queries as "async unsafe". They are plain sync code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTEFACTS = Path(__file__).resolve().parent.parent.parent / "test-results"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


# Package scope: Playwright's sync API keeps an event loop running in the main thread
# until it stops, and async tests collected after tests/e2e/ could not start theirs.
@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="en-US")
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def asgi_server(transactional_db):
    """The product on a real ASGI server, sharing the test database. Returns its base URL."""
    redis_url = os.environ.get("REDIS_URL", "")
    process, port = servers.start_server(redis_url)
    yield f"http://127.0.0.1:{port}"
    servers.stop(process)


@pytest.fixture
def host_site(tmp_path):
    """A static site on another origin (another port) for pages that embed the widget.
    Call ``host_site(name, html)`` to write a page; returns its URL."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def write(name: str, html: str) -> str:
        (tmp_path / name).write_text(html)
        return f"http://127.0.0.1:{server.server_address[1]}/{name}"

    yield write
    server.shutdown()


@pytest.fixture
def screenshot(page, request):
    """Save a screenshot under test-results/, kept by CI as an artefact."""

    def take(name: str):
        ARTEFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTEFACTS / f"{request.node.name}-{name}.png"))

    return take
