"""A district officer signs in through the real login form in Chromium, in Chinese and English.

Drives Debian's /usr/bin/chromium through Playwright (never a downloaded browser) against
pytest-django's live server, which serves the static files from ``static/`` itself. Screenshots
go to var/screenshots/ for a person to look at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
DESKTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser(monkeypatch):
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium")
        pytest.skip(f"needs Debian's chromium at {CHROMIUM}")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def open_page(browser, viewport):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    problems: list[str] = []
    # Console errors (CSP refusals, script errors); failed loads are judged by the response
    # listener below, since the 404 page is itself a deliberate 404.
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}")
            if "/static/" in r.url and r.status >= 400
            else None
        ),
    )
    return context, page, problems


def sign_in(page, base_url, username, password):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")


def assert_styled(page):
    """Bootstrap, our CSS and the icon font loaded: the header has its colour, CJK fonts lead."""
    header_bg = page.evaluate(
        "getComputedStyle(document.querySelector('.portal-header')).backgroundColor"
    )
    assert header_bg == "rgb(23, 54, 95)"
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "PingFang SC" in font and "Microsoft YaHei" in font and "Noto Sans CJK SC" in font
    icon_font = page.evaluate(
        "getComputedStyle(document.querySelector('.bi'), '::before').fontFamily"
    )
    assert "bootstrap-icons" in icon_font


def no_horizontal_overflow(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
    )


def test_a_district_officer_signs_in_sees_the_chinese_home_page_and_switches_to_english(
    world, live_server, browser
):
    context, page, problems = open_page(browser, DESKTOP)

    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("input[name=username]").is_visible()
    page.screenshot(path=str(SHOTS / "login-zh-desktop.png"), full_page=True)

    sign_in(page, live_server.url, world.district_a_officer.username, world.password)
    assert page.url.rstrip("/") == live_server.url
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator(".navbar-brand").inner_text().strip() == "广州市社工服务站管理平台"
    assert page.get_by_role("heading", name="待办事项").is_visible()
    assert page.locator("[data-figure=stations] .portal-figure-value").inner_text() == "2"
    assert "480.00万元" in page.locator("[data-figure=annual_fee]").inner_text()
    assert "赤岗街社工服务站" not in page.content()
    assert_styled(page)
    assert no_horizontal_overflow(page)
    page.screenshot(path=str(SHOTS / "home-zh-desktop.png"), full_page=True)

    # The user menu lists the roles and the sign-out form.
    page.click(".portal-user-button")
    assert page.locator(".portal-user-roles").inner_text().strip() == "区民政局人员 · 天河区"
    page.screenshot(path=str(SHOTS / "user-menu-zh-desktop.png"))
    page.keyboard.press("Escape")

    # Switch to English through the header's language menu.
    page.click(".portal-language .dropdown-toggle")
    page.click(".portal-language button[value=en]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert (
        page.locator(".navbar-brand").inner_text().strip() == "Guangzhou Social Work Station Portal"
    )
    assert page.get_by_role("heading", name="To-do").is_visible()
    assert "待办事项" not in page.content()
    assert no_horizontal_overflow(page)
    page.screenshot(path=str(SHOTS / "home-en-desktop.png"), full_page=True)

    # Error pages keep the shell and the language.
    page.goto(f"{live_server.url}/no-such-page/")
    assert page.get_by_role("heading", name="Page not found").is_visible()
    page.screenshot(path=str(SHOTS / "404-en-desktop.png"), full_page=True)

    assert problems == []
    context.close()


def test_the_home_page_and_menu_fit_a_phone(world, live_server, browser):
    context, page, problems = open_page(browser, PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.screenshot(path=str(SHOTS / "login-zh-phone.png"), full_page=True)
    sign_in(page, live_server.url, world.district_a_officer.username, world.password)

    assert page.get_by_role("heading", name="待办事项").is_visible()
    assert not page.locator("#portal-sidebar").is_visible()  # the menu is a drawer on phones
    assert_styled(page)
    assert no_horizontal_overflow(page)
    page.screenshot(path=str(SHOTS / "home-zh-phone.png"), full_page=True)

    page.click(".portal-menu-toggle")
    page.locator("#portal-sidebar.show").wait_for()
    assert page.locator("#portal-sidebar").get_by_role("link", name="首页").is_visible()
    page.wait_for_timeout(400)  # let the drawer finish sliding in
    page.screenshot(path=str(SHOTS / "menu-zh-phone.png"))
    page.locator("#portal-sidebar").get_by_role("link", name="首页").click()
    page.wait_for_load_state("networkidle")

    page.goto(f"{live_server.url}/notifications/")
    assert no_horizontal_overflow(page)
    page.screenshot(path=str(SHOTS / "notifications-zh-phone.png"), full_page=True)

    assert problems == []
    context.close()


def test_the_city_officer_sees_the_district_chart(world, live_server, browser):
    context, page, problems = open_page(browser, DESKTOP)
    sign_in(page, live_server.url, world.city_officer.username, world.password)
    page.locator("#district-chart canvas").wait_for()
    assert page.locator("[data-figure=stations] .portal-figure-value").inner_text() == "3"
    page.wait_for_timeout(800)  # the bars grow in
    page.screenshot(path=str(SHOTS / "home-city-zh-desktop.png"), full_page=True)
    assert problems == []
    context.close()
