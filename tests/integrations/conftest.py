"""A real HTTP endpoint on 127.0.0.1 that records what it receives and answers with the
statuses it is told to, and a fresh dispatch cache for every test."""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from integrations import dispatch, signing
from integrations.models import WebhookSubscription
from integrations.services import webhook_create


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)

    def signed_by(self, secret: str) -> bool:
        return signing.verify(
            secret,
            self.headers["X-Comptoir-Timestamp"],
            self.body,
            self.headers["X-Comptoir-Signature"],
        )


@dataclass
class Receiver:
    """``statuses``: the answers to give, in order; 200 once they run out. ``delay_s``:
    how long to wait before answering."""

    url: str
    requests: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    delay_s: float = 0.0


@pytest.fixture
def receiver():
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.requests.append(Received(self.path, dict(self.headers.items()), body))
            if state.delay_s:
                time.sleep(state.delay_s)
            status = state.statuses.pop(0) if state.statuses else 200
            answer = b"nope" if status >= 300 else b"ok"
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", f"{state.url}elsewhere")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook/"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def fresh_dispatch_cache():
    dispatch.invalidate_cache()
    yield
    dispatch.invalidate_cache()


@pytest.fixture
def subscribe(supervisor, receiver):
    """``subscribe(events=[...], **fields)``: a subscription of ``receiver``'s URL."""

    def make(events=None, **fields) -> WebhookSubscription:
        fields.setdefault("url", receiver.url)
        return webhook_create(actor=supervisor, events=events, **fields)

    return make
