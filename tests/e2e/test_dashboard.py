"""The agent dashboard in a real browser, against a real server, with visitors driven over
their socket: two agents in two browser contexts handle chats, canned answers, transfers,
blocks and tickets; the French UI; the Content-Security-Policy holds (no violations)."""

import json
import queue
import re
import threading
import time

import pytest
from playwright.sync_api import expect
from websockets.sync.client import connect

from accounts.models import Role
from chat.models import CannedResponse, Widget
from tests import servers
from tests.accounts.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db(transaction=True)

XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


class Visitor:
    """A widget visitor: a session over HTTP, then the visitor socket in a thread."""

    def __init__(self, base: str, widget: str, *, page_url="https://shop.example/cart", token=None):
        session = servers.post_json(
            f"{base}/api/widget/v1/session",
            {
                "widget": widget,
                "visitor_token": token,
                "page": {"url": page_url, "title": "Cart", "referrer": "https://search.example/"},
                "language": "en-GB",
                "timezone": "Europe/Paris",
            },
        )
        self.token = session["visitor_token"]
        self.frames: queue.Queue = queue.Queue()
        self.seen: list[dict] = []
        self._connection = connect(
            f"{base.replace('http', 'ws', 1)}/ws/visitor/?token={self.token}"
        )
        self.ws = self._connection.__enter__()
        threading.Thread(target=self._read, daemon=True).start()
        self.sent = 0

    def _read(self):
        try:
            while True:
                self.frames.put(json.loads(self.ws.recv()))
        except Exception:
            return

    def send(self, frame: dict) -> None:
        self.ws.send(json.dumps(frame))

    def say(self, body: str) -> dict:
        self.sent += 1
        client_id = f"v-{id(self)}-{self.sent}"
        self.send({"type": "message.send", "client_id": client_id, "body": body})
        return self.wait(lambda f: f["type"] == "message.ack" and f["client_id"] == client_id)

    def wait(self, predicate, timeout=10.0) -> dict:
        for frame in self.seen:
            if predicate(frame):
                self.seen.remove(frame)
                return frame
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                frame = self.frames.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                break
            if predicate(frame):
                return frame
            self.seen.append(frame)
        raise AssertionError("the visitor did not receive the expected frame")

    def close(self):
        self._connection.__exit__(None, None, None)


@pytest.fixture
def desk(transactional_db):
    """Team Support with amber after 1 s and red after 2 s; alice and bob (not accepting
    until they say so); a widget; canned responses #hello (en, fr) and #thanks."""
    team = TeamFactory(name="Support", amber_after_s=1, red_after_s=2)
    alice = AgentFactory(username="alice", display_name="Alice", teams=[team])
    bob = AgentFactory(username="bob", display_name="Bob", teams=[team])
    Widget.objects.create(public_key="w-e2e", name="Shop", team=team)
    CannedResponse.objects.create(
        shortcut="hello",
        language="en",
        title="Greeting",
        body="Hello {{ visitor.name }}, I'm {{ agent.name }}. How can I help?",
    )
    CannedResponse.objects.create(
        shortcut="hello",
        language="fr",
        title="Salutation",
        body="Bonjour {{ visitor.name }}, je suis {{ agent.name }}.",
    )
    CannedResponse.objects.create(shortcut="thanks", language="en", title="Thanks", body="Thanks!")
    return {"team": team, "alice": alice, "bob": bob}


def log_in(page, base, username, password="pw"):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    expect(page.locator("#connection")).to_have_attribute("data-state", "open")


def go_accepting(page):
    toggle = page.locator("#status-toggle")
    if toggle.get_attribute("data-status") != "accepting":
        toggle.click()
    expect(toggle).to_have_attribute("data-status", "accepting")
    expect(page.locator("#not-accepting")).to_be_hidden()


def watch_csp(page) -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"{m.text} @ {m.location} on {page.url}")
            if "Content Security Policy" in m.text
            else None
        ),
    )
    return problems


def test_two_agents_handle_a_chat(browser, page, asgi_server, desk, screenshot):
    csp_problems = watch_csp(page)
    page.on("dialog", lambda dialog: dialog.accept())

    # Alice logs in: not accepting is shown loudly, then she accepts.
    log_in(page, asgi_server, "alice")
    expect(page.locator("#not-accepting")).to_be_visible()
    screenshot("not-accepting")
    go_accepting(page)

    # A visitor starts a chat: it reaches Alice as a circle that goes red after 2 s.
    visitor = Visitor(asgi_server, "w-e2e")
    visitor.send({"type": "page.view", "url": "https://shop.example/cart", "title": "Cart"})
    visitor.say("Hi, where is my order?")
    row = page.locator("#list-mine .chat-row").first
    expect(row).to_be_visible()
    expect(row.locator(".unread")).to_have_text("1")
    expect(row).to_have_attribute("data-colour", "red", timeout=6000)
    screenshot("red-circle")

    # She opens it: the message, the visitor panel with the live page.
    row.click()
    expect(page.locator("#message-list")).to_contain_text("Hi, where is my order?")
    expect(page.locator("#panel")).to_contain_text("Europe/Paris")
    visitor.send({"type": "page.view", "url": "https://shop.example/checkout", "title": "Checkout"})
    expect(page.locator('#panel [data-live="page"]')).to_contain_text("Checkout")

    # Sneak peek: the visitor's unsent text, gone once cleared.
    visitor.send({"type": "typing", "preview": "I ordered on Mon"})
    expect(page.locator("#sneak-peek")).to_contain_text("I ordered on Mon")
    visitor.send({"type": "typing", "preview": ""})
    expect(page.locator("#sneak-peek")).to_be_hidden()

    # #hello expands with Tab (placeholders filled), then Enter sends it to the visitor.
    box = page.locator("#composer-input")
    box.click()
    box.press_sequentially("#hel")
    expect(page.locator("#canned-menu")).to_contain_text("#hello")
    box.press("Tab")
    expect(box).to_have_value("Hello, I'm Alice. How can I help?")
    box.press("Enter")
    reply = visitor.wait(
        lambda f: f["type"] == "message.created" and f["message"]["author"]["type"] == "agent"
    )
    assert reply["message"]["body"] == "Hello, I'm Alice. How can I help?"
    expect(row).to_have_attribute("data-colour", "idle")

    # A file from the message box reaches the visitor as an attachment.
    page.set_input_files(
        "#composer-file",
        files=[{"name": "invoice.txt", "mimeType": "text/plain", "buffer": b"Invoice 1009"}],
    )
    expect(page.locator('#composer-files li[data-state="ready"]')).to_have_text(
        re.compile("invoice")
    )
    box.press("Enter")
    sent = visitor.wait(lambda f: f["type"] == "message.created" and f["message"]["attachments"])
    assert sent["message"]["attachments"][0]["name"] == "invoice.txt"
    expect(page.locator("#message-list .msg-files a")).to_have_text("invoice.txt")

    # An internal note stays among agents.
    page.click('#composer [data-mode="internal"]')
    box.fill("VIP customer")
    box.press("Enter")
    expect(page.locator('#message-list .msg[data-internal="true"]')).to_contain_text("VIP customer")
    page.click('#composer [data-mode="public"]')

    # Visitor text is inert.
    visitor.say(XSS)
    expect(page.locator("#message-list .msg").last).to_contain_text("<script>")
    assert page.evaluate("window.__xss") is None
    screenshot("conversation")

    # Contact note through the panel.
    page.fill("#note-body", "Ordered twice by mistake")
    page.click("#notes button[type=submit]")
    expect(page.locator("#notes .note-list")).to_contain_text("Ordered twice by mistake")

    # A ticket from the chat, where the tickets API provides it.
    ticket_button = page.locator('[data-action="create-ticket"]').first
    if ticket_button.count():
        ticket_button.click()
        expect(page.locator("#action-area")).to_contain_text(re.compile(r"#\d+"))

    # Bob, in a second browser context, accepts; Alice transfers the chat to him.
    bob_context = browser.new_context(locale="en-US")
    bob_page = bob_context.new_page()
    bob_page.set_default_timeout(10_000)
    log_in(bob_page, asgi_server, "bob")
    go_accepting(bob_page)
    page.click("text=Transfer…")
    page.locator("label", has_text="Bob").locator("input").check()
    page.fill("#transfer-note", "Billing question")
    screenshot("transfer")
    page.click(".transfer-form button[type=submit]")
    expect(page.locator("#list-mine .chat-row")).to_have_count(0)
    bob_row = bob_page.locator("#list-mine .chat-row").first
    expect(bob_row).to_be_visible()
    bob_row.click()
    expect(bob_page.locator("#message-list")).to_contain_text("Hi, where is my order?")
    expect(bob_page.locator("#message-list")).to_contain_text("Billing question")
    visitor.wait(lambda f: f["type"] == "conversation.assigned" and f["agent"]["name"] == "Bob")

    # Bob blocks the contact: its next message is stored but never reaches him. (The
    # visitor comes back on a new socket: a socket opened before the block still holds the
    # contact as it was then, see the report on chat.services.messages.)
    bob_page.click("text=Block this contact…")
    bob_page.fill("#block-reason", "abusive")
    bob_page.click("text=Confirm block")
    expect(bob_page.locator("#block-area")).to_contain_text("abusive")
    expect(bob_row.locator(".circle")).to_have_attribute("data-colour", "blocked")
    count = bob_page.locator("#message-list .msg").count()
    visitor.close()
    visitor = Visitor(asgi_server, "w-e2e", token=visitor.token)
    visitor.say("You will not see this")
    bob_page.wait_for_timeout(800)
    expect(bob_page.locator("#message-list .msg")).to_have_count(count)
    screenshot("blocked")
    bob_page.screenshot(path=str(servers.ROOT / "test-results" / "bob-dashboard.png"))

    # The ticket made from the chat, on the tickets pages: the state menu works.
    if ticket_button.count():
        bob_page.click("nav.sections >> text=Tickets")
        bob_page.screenshot(path=str(servers.ROOT / "test-results" / "ticket-list.png"))
        bob_page.locator("table.table tbody a").nth(1).click()
        expect(bob_page.locator(".transcript")).to_contain_text("Hi, where is my order?")
        bob_page.select_option("#id_state", "pending")
        bob_page.click("aside form.card button[type=submit] >> nth=0")
        expect(bob_page.locator("h1 .badge")).to_have_attribute("data-status", "pending")
        bob_page.screenshot(path=str(servers.ROOT / "test-results" / "ticket-detail.png"))

    visitor.close()
    bob_context.close()
    assert not csp_problems, csp_problems


def test_french_dashboard(browser, asgi_server, desk):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    csp_problems = watch_csp(page)
    page.goto(f"{asgi_server}/login/")
    expect(page.locator("h1 + p")).to_contain_text("Connectez-vous")
    log_in(page, asgi_server, "alice")
    expect(page.locator("#not-accepting")).to_contain_text("Vous n'acceptez pas de discussions")
    expect(page.locator(".list-section h2").first).to_contain_text("Mes discussions")
    go_accepting(page)
    expect(page.locator("#status-toggle")).to_contain_text("Accepte les discussions")
    expect(page.locator("#connection")).to_contain_text("Connecté")
    # Strings of the script come from the JavaScript catalog.
    visitor = Visitor(asgi_server, "w-e2e")
    visitor.say("Bonjour")
    page.locator("#list-mine .chat-row").first.click()
    visitor.send({"type": "typing", "preview": "Je voud"})
    expect(page.locator("#list-mine .row-sub").first).to_have_text("en train d'écrire…")
    visitor.close()
    page.screenshot(path=str(servers.ROOT / "test-results" / "dashboard-fr.png"))
    context.close()
    assert not csp_problems, csp_problems


def test_supervisor_sees_every_chat_and_admin_keeps_working(page, asgi_server, desk):
    AgentFactory(username="sup", display_name="Sue", role=Role.SUPERVISOR, teams=[desk["team"]])
    csp_problems = watch_csp(page)
    log_in(page, asgi_server, "alice")
    go_accepting(page)
    visitor = Visitor(asgi_server, "w-e2e")
    visitor.say("Hello?")
    expect(page.locator("#list-mine .chat-row")).to_have_count(1)
    page.click("text=Log out")

    log_in(page, asgi_server, "sup")
    expect(page.locator("#list-others .chat-row")).to_have_count(1)
    expect(page.locator("#list-others")).to_contain_text("Alice")
    # Keyboard: Alt+↓ opens the next chat. The sound switch survives a reload.
    page.keyboard.press("Alt+ArrowDown")
    expect(page.locator("#message-list")).to_contain_text("Hello?")
    page.click("#sound-toggle")
    expect(page.locator("#sound-toggle")).to_have_attribute("aria-pressed", "false")
    page.reload()
    expect(page.locator("#sound-toggle")).to_have_attribute("aria-pressed", "false")
    page.goto(f"{asgi_server}/admin/")
    expect(page.locator("#site-name, h1").first).to_be_visible()
    page.goto(f"{asgi_server}/api/docs/")
    expect(page.locator(".swagger-ui").first).to_be_visible()
    visitor.close()
    assert not csp_problems, csp_problems
