"""Simplified Chinese by default whatever the browser asks; English when the user chooses it."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_english_browser_still_gets_chinese_until_the_user_switches(world, login):
    client = login(world.district_a_officer)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page["Content-Language"] == "zh-hans"
    assert "首页" in page.content.decode()

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert page["Content-Language"] == "en"
    assert "Home" in page.content.decode()


def test_an_unknown_language_cookie_falls_back_to_chinese(world, login):
    client = login(world.district_a_officer)
    client.cookies["portal_language"] = "fr"
    assert client.get("/")["Content-Language"] == "zh-hans"
