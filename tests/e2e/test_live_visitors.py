"""Live visitors (A10) end to end: a visitor browses a host page without opening the chat,
an agent sees them in Live visitors and invites them, the widget opens with the message."""

import re
import time

import pytest
from playwright.sync_api import expect

from accounts.models import Team
from chat.models import Conversation, Widget
from contacts.models import Visitor
from tests.chat.conftest import make_agent

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


def test_agent_invites_a_browsing_visitor(browser, page, asgi_server, host_site):
    team = Team.objects.create(name="Support", always_open=True)
    alice = make_agent(team, "alice")
    Widget.objects.create(public_key="w-live", name="Shop", title="Shop help", team=team)
    shop = host_site(
        "pricing.html",
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Pricing plans</title>"
        "</head><body><h1>Pricing</h1>"
        f'<script src="{asgi_server}/widget.js" data-widget="w-live" async></script>'
        "</body></html>",
    )

    page.goto(shop)
    # The chat loads hidden at once: its socket reports the page before any click.
    wait_for(lambda: Visitor.objects.filter(page__title="Pricing plans").exists())
    expect(page.locator("comptoir-widget .panel")).to_be_hidden()

    desk = browser.new_context(locale="en-US")
    agent = desk.new_page()
    agent.set_default_timeout(10_000)
    try:
        agent.goto(f"{asgi_server}/login/")
        agent.fill("input[name=username]", "alice")
        agent.fill("input[name=password]", "pw")
        agent.click("button[type=submit]")
        expect(agent.locator("#connection")).to_have_attribute("data-state", "open")
        agent.get_by_role("link", name="Live visitors").click()
        row = agent.locator("#live-visitors tr", has_text="Pricing plans")
        expect(row).to_be_visible()
        expect(row).to_contain_text("No")
        row.get_by_role("button", name="Invite to chat").click()
        message = agent.get_by_role("textbox", name="Message")
        message.fill("Hi! Any question about our plans?")
        agent.get_by_role("button", name="Send invitation").click()
        expect(agent.locator("#action-area")).to_contain_text("Invitation sent")

        # The visitor's widget opens by itself with the agent's message.
        expect(page.locator("comptoir-widget .panel")).to_be_visible()
        chat = page.frame_locator("comptoir-widget iframe")
        expect(chat.locator("#log")).to_contain_text("Hi! Any question about our plans?")
        expect(chat.get_by_role("textbox", name=re.compile("^Your message$"))).to_be_visible()

        conversation = Conversation.objects.get(visitor__page__title="Pricing plans")
        assert conversation.assignee_id == alice.user_id
        # The list now says the visitor is chatting, and offers no invitation.
        expect(row).to_contain_text("Yes", timeout=15_000)
        expect(row.get_by_role("button", name="Invite to chat")).to_have_count(0)
    finally:
        desk.close()
