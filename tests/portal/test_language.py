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


def test_the_language_switch_names_each_language_in_itself(world, login):
    client = login(world.district_a_officer)
    page = client.get("/").content.decode()
    assert 'value="en" lang="en"' in page
    assert ">English</button>" in page  # not "英语" on a Chinese page
    assert ">简体中文</button>" in page


def test_sort_headers_and_export_names_follow_the_language_of_each_request(world, login):
    # Class attributes built at import time once kept whatever language was active then.
    client = login(world.city_admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    users = client.get(reverse("manage:user_list")).content.decode()
    assert ">Username" in users and ">Last login" in users
    assert ">最近登录" not in users
    policy = client.get(reverse("manage:policy_list")).content.decode()
    assert ">Effective from" in policy and ">生效日期" not in policy

    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    users = client.get(reverse("manage:user_list")).content.decode()
    assert ">最近登录" in users
