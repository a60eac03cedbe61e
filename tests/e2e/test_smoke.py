"""The browser can reach the product: the login page renders and a wrong password is refused."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_page_refuses_a_wrong_password(page, asgi_server, screenshot):
    page.goto(f"{asgi_server}/login/")
    page.fill("input[name=username]", "nobody")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    assert page.get_by_role("alert").is_visible()
    screenshot("login-refused")
