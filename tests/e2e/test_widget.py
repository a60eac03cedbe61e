"""The widget in a real Chromium: a host page on another origin embeds the script tag; the
agent's side is a socket client with an API token (CONTRACT.md, "Agent socket")."""

import json
import re
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect
from websockets.sync.client import connect

from accounts import tokens
from accounts.models import AgentStatus, ApiToken, Team
from chat.models import Conversation, Message, Widget
from contacts.models import Visitor
from tests.chat.conftest import make_agent
from tests.servers import post_json
from tickets.models import Source, Ticket, TicketState

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TIMEOUT_S = 10
LAUNCHER = "comptoir-widget .launcher"
HOSTILE_CSS = """
* { all: unset !important; font: italic 40px/3 serif !important; color: lime !important;
    background: magenta !important; border: 9px dotted red !important; box-shadow: none !important;
    border-radius: 0 !important; z-index: 0 !important; }
body * { width: 20px !important; height: 20px !important; transform: rotate(3deg) !important;
    opacity: 0 !important; position: static !important; }
html, body { display: block !important; }
button, iframe, comptoir-widget, div, script { display: none !important; }
"""


# --- Fixtures and helpers ------------------------------------------------------------------


@pytest.fixture
def desk(transactional_db):
    """Team Support open around the clock, Alice accepting (with an API token), widget w1."""
    team = Team.objects.create(name="Support", always_open=True)
    alice = make_agent(team, "alice")
    key = tokens.new_key()
    ApiToken.objects.create(user=alice.user, prefix=tokens.prefix(key), digest=tokens.digest(key))
    widget = Widget.objects.create(
        public_key="w1", name="Shop", title="Shop help", team=team, welcome_message="Hello there!"
    )
    return {"team": team, "alice": alice, "key": key, "widget": widget}


class Agent:
    """Alice's socket: sends frames and waits for the ones she should receive."""

    def __init__(self, base_url: str, key: str):
        self.socket = connect(
            base_url.replace("http", "ws", 1) + "/ws/agent/",
            additional_headers={"Authorization": f"Token {key}"},
            legacy=True,
        )
        self.received: list[dict] = []
        self.wait("agent.status")

    def send(self, **frame):
        self.socket.send(json.dumps(frame))

    def wait(self, frame_type: str, match=lambda frame: True, timeout: float = TIMEOUT_S) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            frame = json.loads(self.socket.recv(timeout=max(0.01, deadline - time.monotonic())))
            self.received.append(frame)
            if frame["type"] == frame_type and match(frame):
                return frame

    def drain(self, seconds: float = 0.5):
        """Read what arrives for a while (to count it)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self.received.append(json.loads(self.socket.recv(timeout=left)))
            except TimeoutError:
                return

    def close(self):
        self.socket.close()


@pytest.fixture(autouse=True)
def browser_log(page):
    """The browser's console and page errors, printed when a test fails."""
    lines: list[str] = []
    page.on("console", lambda message: lines.append(f"console.{message.type}: {message.text}"))
    page.on("pageerror", lambda error: lines.append(f"pageerror: {error}"))
    page.on("requestfailed", lambda r: lines.append(f"failed: {r.url} {r.failure}"))
    yield lines
    if lines:
        sys.stdout.write("\n".join(lines) + "\n")


@pytest.fixture
def agent(asgi_server, desk):
    alice = Agent(asgi_server, desk["key"])
    yield alice
    alice.close()


@pytest.fixture
def embed(host_site, asgi_server):
    """Write a host page embedding the widget; returns its URL (another origin)."""

    def write(name="shop.html", key="w1", css="", title="Our shop", body="<h1>Our shop</h1>"):
        return host_site(
            name,
            f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title>"
            f"<style>{css}</style></head><body>{body}"
            f'<script src="{asgi_server}/widget.js" data-widget="{key}" async></script>'
            "</body></html>",
        )

    return write


def open_chat(page):
    page.locator(LAUNCHER).click()
    return page.frame_locator("comptoir-widget iframe")


def chat_frame(page):
    """The chat iframe as a Frame (to evaluate scripts in it), once its page has loaded."""
    frame = page.locator("comptoir-widget iframe").element_handle().content_frame()
    frame.wait_for_url(re.compile("/widget/frame/"))
    frame.wait_for_load_state()
    return frame


def field(chat, name):
    """A visible text box by its label (the offline and pre-chat forms share labels)."""
    return chat.get_by_role("textbox", name=name, exact=True)


def composer(chat):
    return chat.get_by_role("textbox", name=re.compile("^(Your message|Votre message)$"))


def send(chat, text):
    composer(chat).fill(text)
    composer(chat).press("Enter")


def run_axe(frame) -> list[dict]:
    """axe-core's serious and critical violations in ``frame``'s document."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` at the repository root", pytrace=False)
    frame.evaluate(AXE.read_text())
    result = frame.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)}))"
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


# --- Tests ---------------------------------------------------------------------------------


def test_visitor_and_agent_chat_from_another_origin(page, embed, agent, desk, screenshot):
    url = embed()
    page.goto(url)
    launcher = page.locator(LAUNCHER)
    expect(launcher).to_have_attribute("aria-label", "Open the chat")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    screenshot("launcher-en")

    chat = open_chat(page)
    expect(launcher).to_have_attribute("aria-expanded", "true")
    composer = chat.get_by_role("textbox", name="Your message")
    expect(composer).to_be_focused()
    expect(chat.get_by_text("Hello there!")).to_be_visible()

    composer.fill("Hello, where is my order?")
    composer.press("Shift+Enter")
    composer.type("It is #42.")
    composer.press("Enter")
    created = agent.wait("message.created", lambda f: f["message"]["author"]["type"] == "visitor")
    assert created["message"]["body"] == "Hello, where is my order?\nIt is #42."
    conversation = created["message"]["conversation"]
    expect(chat.locator(".msg.mine .meta")).to_contain_text("Sent")
    expect(composer).to_have_value("")

    # Typing, both ways: the sneak peek reaches Alice, her indicator reaches the visitor.
    composer.type("one more thing")
    typing = agent.wait("visitor.typing", lambda f: f["preview"] == "one more thing")
    assert typing["conversation"] == conversation
    agent.send(type="typing", conversation=conversation, typing=True)
    expect(chat.get_by_text("Alice is typing…")).to_be_visible()
    agent.send(
        type="message.send",
        conversation=conversation,
        client_id="a1",
        body="Hi! See https://shop.example/orders/42.",
    )
    reply = chat.locator(".msg.agent", has_text="Hi! See")
    expect(reply).to_be_visible()
    expect(reply.get_by_role("link")).to_have_attribute("href", "https://shop.example/orders/42")
    expect(reply.get_by_role("link")).to_have_text("https://shop.example/orders/42")
    expect(chat.get_by_text("Alice is typing…")).to_be_hidden()
    expect(chat.get_by_text("You are chatting with Alice")).to_be_visible()
    composer.fill("")
    assert agent.wait("visitor.typing", lambda f: f["preview"] == "")["typing"] is False

    # An attachment, uploaded then referenced in a message.
    chat.locator("#file").set_input_files(
        files=[{"name": "receipt.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 x"}]
    )
    with_file = agent.wait("message.created", lambda f: f["message"]["attachments"])
    assert with_file["message"]["attachments"][0]["name"] == "receipt.pdf"
    expect(chat.get_by_role("button", name=re.compile("Download receipt.pdf"))).to_be_visible()
    screenshot("chat-en")

    # Page tracking (W11): the page, the browser's language, time zone and user agent.
    stored = Conversation.objects.get(pk=conversation)
    assert stored.page["url"] == url and stored.page["title"] == "Our shop"
    assert stored.metadata["language"] == "en-US"
    assert stored.metadata["timezone"]
    assert "Chrome" in stored.metadata["browser"]
    page.evaluate("history.pushState({}, '', '/checkout.html'); document.title = 'Checkout'")
    moved = agent.wait("visitor.page", lambda f: f["page"]["url"].endswith("/checkout.html"))
    assert moved["page"]["title"] == "Checkout"

    # Escape closes the panel and gives the focus back to the launcher.
    composer.press("Escape")
    expect(page.locator("comptoir-widget .panel")).to_be_hidden()
    expect(launcher).to_be_focused()

    # While it is closed, a reply shows as a badge on the launcher.
    agent.send(type="message.send", conversation=conversation, client_id="a2", body="Still there?")
    expect(launcher).to_have_attribute("aria-label", "Open the chat (1 new message)")
    expect(page.locator("comptoir-widget .badge")).to_have_text("1")
    page.keyboard.press("Enter")
    expect(composer).to_be_focused()
    expect(page.locator("comptoir-widget .badge")).to_be_hidden()


def test_prechat_form_validates_then_opens_the_chat(page, embed, agent, desk):
    widget = desk["widget"]
    widget.prechat_mode = "required"
    widget.prechat_fields = [{"name": "order", "label": "Order number", "required": True}]
    widget.save()
    page.goto(embed())
    chat = open_chat(page)
    form = chat.locator("#prechat")
    expect(form).to_be_visible()
    expect(composer(chat)).to_be_hidden()
    expect(field(chat, "Your name")).to_be_focused()

    chat.get_by_role("button", name="Start the chat").click()
    expect(field(chat, "Your name")).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_text("This field is required.")).to_have_count(3)
    expect(field(chat, "Your name")).to_be_focused()

    field(chat, "Your name").fill("Jane")
    field(chat, "Your email").fill("jane@")
    field(chat, "Order number").fill("42")
    chat.get_by_role("button", name="Start the chat").click()
    expect(form.get_by_text("Enter a valid email address.")).to_be_visible()
    expect(field(chat, "Your email")).to_be_focused()

    field(chat, "Your email").fill("jane@example.com")
    chat.get_by_role("button", name="Start the chat").click()
    expect(composer(chat)).to_be_focused()
    send(chat, "Hi")
    created = agent.wait("message.created", lambda f: f["message"]["author"]["type"] == "visitor")
    assert created["message"]["author"]["name"] == "Jane"
    visitor = Visitor.objects.get()
    assert visitor.prechat == {
        "name": "Jane",
        "email": "jane@example.com",
        "fields": {"order": "42"},
    }


def test_reload_keeps_the_conversation(page, embed, agent, desk):
    page.goto(embed())
    chat = open_chat(page)
    send(chat, "Before the reload")
    created = agent.wait("message.created", lambda f: f["message"]["author"]["type"] == "visitor")
    agent.send(
        type="message.send",
        conversation=created["message"]["conversation"],
        client_id="a1",
        body="Agent answer",
    )
    expect(chat.get_by_text("Agent answer")).to_be_visible()
    token = page.evaluate("localStorage.getItem('comptoir:w1:token')")
    assert token and json.loads(token)

    page.reload()
    chat = page.frame_locator("comptoir-widget iframe")
    expect(chat.get_by_text("Before the reload")).to_be_visible()
    expect(chat.get_by_text("Agent answer")).to_be_visible()
    expect(chat.get_by_text("You are chatting with Alice")).to_be_visible()
    expect(chat.locator(".msg")).to_have_count(3)  # the welcome, the question, the answer
    send(chat, "After the reload")
    again = agent.wait("message.created", lambda f: f["message"]["body"] == "After the reload")
    assert again["message"]["conversation"] == created["message"]["conversation"]
    assert Visitor.objects.count() == 1


def test_message_typed_while_the_socket_is_down_is_delivered_once(
    page, context, embed, agent, desk
):
    live = []
    blocked = {"on": False}

    def route(socket):
        if blocked["on"]:
            socket.close()
            return
        server = socket.connect_to_server()
        live.append((socket, server))

    context.route_web_socket(re.compile(r"/ws/visitor/"), route)
    page.goto(embed())
    chat = open_chat(page)
    send(chat, "First")
    first = agent.wait("message.created", lambda f: f["message"]["body"] == "First")

    blocked["on"] = True
    for socket, server in live:
        server.close()
        socket.close()
    expect(chat.get_by_text("Connection lost. Reconnecting…")).to_be_visible()
    send(chat, "Typed while offline")
    pending = chat.locator(".msg.mine", has_text="Typed while offline")
    expect(pending.locator(".meta")).to_contain_text("Sending…")
    time.sleep(1)
    blocked["on"] = False

    expect(pending.locator(".meta")).to_contain_text("Sent", timeout=15_000)
    expect(chat.get_by_text("Connection lost. Reconnecting…")).to_be_hidden()
    agent.wait("message.created", lambda f: f["message"]["body"] == "Typed while offline")
    agent.drain(1)
    delivered = [
        f
        for f in agent.received
        if f["type"] == "message.created" and f["message"]["body"] == "Typed while offline"
    ]
    assert len(delivered) == 1
    assert Message.objects.filter(body="Typed while offline").count() == 1
    assert (
        Message.objects.get(body="Typed while offline").conversation_id
        == (first["message"]["conversation"])
    )
    expect(chat.locator(".msg.mine", has_text="Typed while offline")).to_have_count(1)

    # Still down, the visitor reloads: the unsent message waits in the host's storage and
    # leaves, once, when the connection is back.
    blocked["on"] = True
    for socket, server in live:
        server.close()
        socket.close()
    expect(chat.get_by_text("Connection lost. Reconnecting…")).to_be_visible()
    send(chat, "Typed before a reload")
    expect(chat.locator(".msg.mine", has_text="Typed before a reload")).to_contain_text("Sending…")
    page.reload()
    chat = page.frame_locator("comptoir-widget iframe")
    expect(chat.locator(".msg.mine", has_text="Typed before a reload")).to_contain_text("Sending…")
    blocked["on"] = False
    expect(chat.locator(".msg.mine", has_text="Typed before a reload")).to_contain_text(
        "Sent", timeout=15_000
    )
    agent.wait("message.created", lambda f: f["message"]["body"] == "Typed before a reload")
    assert Message.objects.filter(body="Typed before a reload").count() == 1
    expect(chat.locator(".msg.mine", has_text="Typed before a reload")).to_have_count(1)
    assert page.evaluate("localStorage.getItem('comptoir:w1:pending')") is None


def test_offline_form_creates_a_ticket(page, embed, desk, screenshot):
    desk["alice"].status = AgentStatus.NOT_ACCEPTING
    desk["alice"].save()
    page.goto(embed())
    chat = open_chat(page)
    expect(chat.get_by_role("heading", name="Leave us a message")).to_be_visible()
    expect(chat.get_by_text("Nobody is available right now.", exact=False)).to_be_visible()
    expect(field(chat, "Your name")).to_be_focused()
    screenshot("offline-en")
    assert run_axe(chat_frame(page)) == []

    chat.get_by_role("button", name="Send the message").click()
    expect(field(chat, "Your email")).to_be_focused()
    expect(field(chat, "Your email")).to_have_attribute("aria-invalid", "true")
    field(chat, "Your name").fill("Jane")
    field(chat, "Your email").fill("jane@example.com")
    chat.get_by_role("textbox", name="Your message").fill("Please call me back.")
    chat.get_by_role("button", name="Send the message").click()
    expect(chat.get_by_role("heading", name="Message sent")).to_be_focused()

    ticket = Ticket.objects.get()
    assert (ticket.state, ticket.source) == (TicketState.OPEN, Source.OFFLINE)
    assert ticket.requester.email == "jane@example.com"
    assert ticket.requester.visitors.get().widget == desk["widget"]


def test_chat_comes_back_when_an_agent_accepts(page, embed, desk):
    desk["alice"].status = AgentStatus.NOT_ACCEPTING
    desk["alice"].save()
    page.clock.install()
    page.goto(embed())
    chat = open_chat(page)
    expect(chat.get_by_role("heading", name="Leave us a message")).to_be_visible()

    desk["alice"].status = AgentStatus.ACCEPTING
    desk["alice"].save()
    page.clock.run_for(21_000)
    expect(composer(chat)).to_be_visible()
    expect(chat.get_by_role("heading", name="Leave us a message")).to_be_hidden()


def test_french_visitor_gets_the_french_widget(browser, embed, asgi_server, desk, request):
    from tests.e2e.conftest import ARTEFACTS

    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        ARTEFACTS.mkdir(exist_ok=True)
        shot = ARTEFACTS / request.node.name
        page.goto(embed())
        expect(page.locator(LAUNCHER)).to_have_attribute("aria-label", "Ouvrir la discussion")
        page.screenshot(path=f"{shot}-launcher-fr.png")
        chat = open_chat(page)
        expect(chat.locator("html")).to_have_attribute("lang", "fr")
        send(chat, "Bonjour")
        expect(chat.locator(".msg.mine .meta")).to_contain_text("Envoyé")
        expect(chat.get_by_role("button", name="Fermer la discussion")).to_be_visible()
        page.screenshot(path=f"{shot}-chat-fr.png")

        desk["alice"].status = AgentStatus.NOT_ACCEPTING
        desk["alice"].save()
        Conversation.objects.update(status="closed", closed_at="2026-01-01T00:00:00Z")
        page.evaluate("localStorage.clear(); sessionStorage.clear()")
        page.reload()
        chat = open_chat(page)
        expect(chat.get_by_role("heading", name="Laissez-nous un message")).to_be_visible()
        chat.get_by_role("button", name="Envoyer le message").click()
        expect(chat.get_by_text("Ce champ est obligatoire.").first).to_be_visible()
        page.screenshot(path=f"{shot}-offline-fr.png")
    finally:
        context.close()


def test_html_from_anyone_is_shown_as_text(page, embed, agent, desk):
    welcome = "<b>Welcome</b><img src=x onerror=\"window.pwned='welcome'\">"
    desk["widget"].welcome_message = welcome
    desk["widget"].save()
    page.goto(embed())
    chat = open_chat(page)
    frame = chat_frame(page)
    expect(chat.get_by_text(welcome)).to_be_visible()
    payload = "<img src=x onerror=\"window.pwned='visitor'\"><script>window.pwned='s'</script>"
    send(chat, payload)
    created = agent.wait("message.created", lambda f: f["message"]["author"]["type"] == "visitor")
    assert created["message"]["body"] == payload
    agent.send(
        type="message.send",
        conversation=created["message"]["conversation"],
        client_id="a1",
        body=(link := "<a href=\"javascript:window.pwned='agent'\">click</a>") + " javascript:x",
    )
    expect(chat.get_by_text(link, exact=False)).to_be_visible()
    expect(chat.get_by_text(payload)).to_be_visible()
    assert frame.evaluate("document.querySelectorAll('#log img, #log script').length") == 0
    assert frame.evaluate("[...document.querySelectorAll('#log a')].length") == 0
    assert frame.evaluate("window.pwned") is None
    assert page.evaluate("window.pwned") is None


def test_host_page_css_does_not_change_the_widget(page, embed, desk):
    probe = """h => {
        const root = h.shadowRoot, launcher = root.querySelector('.launcher');
        const s = getComputedStyle(launcher), r = launcher.getBoundingClientRect();
        const panel = root.querySelector('.panel').getBoundingClientRect();
        return {bg: s.backgroundColor, radius: s.borderRadius, border: s.borderTopWidth,
                w: r.width, h: r.height,
                right: innerWidth - r.right, bottom: innerHeight - r.bottom,
                transform: s.transform, display: s.display, opacity: s.opacity,
                panel: [panel.width, panel.height], hostDisplay: getComputedStyle(h).display};
    }"""

    def header_shot():
        box = page.locator("comptoir-widget .panel").bounding_box()
        clip = {"x": box["x"] + 16, "y": box["y"] + 16, "width": box["width"] - 32, "height": 40}
        return page.screenshot(clip=clip)

    page.goto(embed("plain.html"))
    chat = open_chat(page)
    expect(chat.get_by_text("Hello there!")).to_be_visible()
    plain = page.locator("comptoir-widget").evaluate(probe)
    plain_shot = header_shot()

    page.goto(embed("hostile.html", css=HOSTILE_CSS))
    chat = page.frame_locator("comptoir-widget iframe")  # the panel was left open
    expect(chat.get_by_text("Hello there!")).to_be_visible()
    hostile = page.locator("comptoir-widget").evaluate(probe)
    assert hostile == plain
    assert plain["w"] == 56 and plain["bg"] == "rgb(37, 99, 235)"
    assert header_shot() == plain_shot
    font = chat_frame(page).evaluate("getComputedStyle(document.body).fontStyle")
    assert font == "normal"


def test_widget_has_no_serious_accessibility_violations(page, embed, agent, desk):
    widget = desk["widget"]
    widget.prechat_mode = "optional"
    widget.save()
    page.goto(embed())
    assert run_axe(page.main_frame) == []
    chat = open_chat(page)
    frame = chat_frame(page)
    expect(chat.locator("#prechat")).to_be_visible()
    assert run_axe(frame) == []

    chat.get_by_role("button", name="Start the chat").click()
    send(chat, "Hello")
    created = agent.wait("message.created", lambda f: f["message"]["author"]["type"] == "visitor")
    conversation = created["message"]["conversation"]
    agent.send(type="message.send", conversation=conversation, client_id="a1", body="Hi there")
    expect(chat.get_by_text("Hi there")).to_be_visible()
    assert chat.locator("#log").get_attribute("role") == "log"
    assert chat.locator("#log").get_attribute("aria-live") == "polite"
    assert run_axe(frame) == []

    # End of the chat: the rating and the transcript offer, with the keyboard only.
    agent.send(type="conversation.close", conversation=conversation)
    expect(chat.get_by_role("heading", name="The chat has ended")).to_be_focused()
    assert run_axe(frame) == []
    page.keyboard.press("Tab")  # to the first star
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(chat.get_by_role("radio", name="4 out of 5")).to_be_checked()
    field(chat, "Comment (optional)").fill("Quick answer")
    chat.get_by_role("button", name="Send my rating").click()
    expect(chat.get_by_text("Thank you for your rating!")).to_be_visible()
    field(chat, "Receive the transcript by email").fill("jane@example.com")
    field(chat, "Receive the transcript by email").press("Enter")
    expect(chat.get_by_text("The transcript is on its way.")).to_be_visible()
    from analytics.models import ChatRating

    rating = ChatRating.objects.get()
    assert (rating.score, rating.comment) == (4, "Quick answer")


def test_queue_position_shows_while_every_slot_is_taken(page, embed, asgi_server, agent, desk):
    desk["alice"].slots = 1
    desk["alice"].save()
    other = post_json(f"{asgi_server}/api/widget/v1/session", {"widget": "w1"})
    with connect(
        f"{asgi_server.replace('http', 'ws', 1)}/ws/visitor/?token={other['visitor_token']}"
    ) as first_visitor:
        first_visitor.send(
            json.dumps({"type": "message.send", "client_id": "o1", "body": "Me first"})
        )
        busy = agent.wait("message.created", lambda f: f["message"]["body"] == "Me first")
        page.goto(embed())
        chat = open_chat(page)
        send(chat, "Anyone there?")
        queue = chat.get_by_role("status").filter(has_text="in the queue")
        expect(queue).to_have_text(
            re.compile(r"You are number 1 in the queue\. Estimated wait: about \d+ min\.")
        )
        expect(chat.get_by_text("You are chatting with Alice")).to_be_hidden()

        agent.send(type="conversation.close", conversation=busy["message"]["conversation"])
        expect(chat.get_by_text("You are chatting with Alice")).to_be_visible()
        expect(queue).to_be_hidden()
