"""The page shell: home page per role, navigation, language switch, error pages, money filters."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from portal.dashboards.menu import (
    MenuEntry,
    menu_for,
    register_menu_entry,
    unregister_menu_entry,
)
from portal.dashboards.todo import (
    TodoItem,
    register_todo_provider,
    todo_providers,
    unregister_todo_provider,
)
from portal.templatetags.portal_format import wan, wan_yuan, yuan
from portal.views import errors
from stations.selectors import station_headline_figures
from tests.factories import ContractFactory, StationFactory

pytestmark = pytest.mark.django_db

A_NAMES = ["五山街社工服务站", "员村街社工服务站", "天河区", "广州市甲社会工作服务中心"]


def figure(response, key):
    return next(f for f in response.context["figures"] if f.key == key)


# --- headline figures -------------------------------------------------------------------


def test_the_city_officer_sees_every_station_and_contract_in_force(world, today):
    figures = station_headline_figures(world.city_officer, today)
    assert figures == {
        "stations": 3,
        "contracts_in_force": 3,
        "institutions": 2,
        "annual_fee": Decimal("7200000.00"),
    }


def test_a_district_officer_counts_only_the_stations_of_their_district(world, today):
    figures = station_headline_figures(world.district_a_officer, today)
    assert figures["stations"] == 2
    assert figures["contracts_in_force"] == 2
    assert figures["institutions"] == 2
    assert figures["annual_fee"] == Decimal("4800000.00")


def test_contracts_not_in_force_on_the_day_are_not_counted(world, today):
    ContractFactory(
        station=world.station_a1,
        institution=world.institution_b,
        service_year=today.year - 1,
        starts_on=dt.date(today.year - 1, 1, 1),
        ends_on=dt.date(today.year - 1, 12, 31),
    )
    figures = station_headline_figures(world.city_officer, today)
    assert figures["contracts_in_force"] == 3


def test_the_figures_take_two_queries_whatever_the_number_of_stations(
    world, django_assert_max_num_queries, today
):
    user = world.city_officer
    user.active_assignments()  # loaded once per request by the middleware stack
    with django_assert_max_num_queries(2):
        station_headline_figures(user, today)


# --- the home page per persona ----------------------------------------------------------


def test_the_city_officer_home_page_shows_three_stations_and_the_fee_in_wan_yuan(world, login):
    response = login(world.city_officer).get(reverse("portal:home"))
    assert response.status_code == 200
    assert figure(response, "stations").value == 3
    assert figure(response, "contracts_in_force").value == 3
    html = response.content.decode()
    assert "720.00万元" in html
    assert "广州市社工服务站管理平台" in html


def test_the_district_a_officer_home_page_shows_two_stations(world, login):
    response = login(world.district_a_officer).get(reverse("portal:home"))
    assert figure(response, "stations").value == 2
    assert "480.00万元" in response.content.decode()


def test_the_station_b1_manager_sees_one_station_and_nothing_of_district_a(world, login):
    response = login(world.station_b1_manager).get(reverse("portal:home"))
    assert figure(response, "stations").value == 1
    assert figure(response, "contracts_in_force").value == 1
    html = response.content.decode()
    assert "赤岗街社工服务站" in html
    for name in A_NAMES:
        assert name not in html


def test_city_users_get_a_chart_of_stations_and_contracts_per_district(world, login):
    response = login(world.city_officer).get(reverse("portal:home"))
    chart = response.context["district_chart"]
    assert [(d["name"], d["stations"], d["contracts"]) for d in chart["districts"]] == [
        ("海珠区", 1, 1),
        ("天河区", 2, 2),
    ]
    html = response.content.decode()
    assert 'id="district-chart-data"' in html
    assert "/static/vendor/echarts/echarts.min.js" in html


def test_district_users_get_no_city_chart(world, login):
    response = login(world.district_a_officer).get(reverse("portal:home"))
    assert response.context["district_chart"] is None
    assert "echarts.min.js" not in response.content.decode()


def test_evaluators_see_no_money_figures_on_their_home_page(world, login):
    response = login(world.evaluator).get(reverse("portal:home"))
    keys = [f.key for f in response.context["figures"]]
    assert keys == ["stations"]


def test_the_home_page_runs_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    client = login(world.city_officer)
    client.get(reverse("portal:home"))
    # Session, user, role assignments, second-factor rule, unread count, two figure
    # aggregates, the district chart, session save; plus one per registered to-do provider.
    budget = 11 + len(todo_providers())
    with django_assert_max_num_queries(budget):
        response = client.get(reverse("portal:home"))
    assert response.status_code == 200


def test_the_home_page_runs_as_many_queries_for_ten_stations_as_for_three(world, login):
    client = login(world.city_officer)
    client.get(reverse("portal:home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("portal:home"))
    for _ in range(7):
        station = StationFactory(subdistrict=world.subdistrict_a1)
        ContractFactory(station=station, institution=world.institution_a)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("portal:home"))
    assert figure(response, "stations").value == 10
    assert len(many) == len(few)


def test_the_home_page_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert reverse("portal_auth:login") in response["Location"]


def test_the_to_do_list_is_empty_with_a_friendly_message_until_apps_fill_it(world, login):
    response = login(world.district_a_officer).get(reverse("portal:home"))
    assert response.context["todos"] == []
    assert "暂无待办事项" in response.content.decode()


def test_registered_to_do_providers_fill_the_list_urgent_first(world, login):
    def provider(user):
        return [
            TodoItem(title="提交年度预算", url="/funding/", due_on=dt.date(2030, 3, 1)),
            TodoItem(title="整改逾期", urgent=True),
        ]

    register_todo_provider(provider)
    try:
        response = login(world.station_a1_manager).get(reverse("portal:home"))
    finally:
        unregister_todo_provider(provider)
    titles = [str(t.title) for t in response.context["todos"]]
    assert titles == ["整改逾期", "提交年度预算"]
    assert "2030-03-01" in response.content.decode()


# --- navigation -------------------------------------------------------------------------


def test_the_menu_leaves_out_pages_that_do_not_exist_yet(world):
    entry = register_menu_entry(
        MenuEntry("future", "未来功能", ("nowhere:nothing",), roles=frozenset({"city_officer"}))
    )
    try:
        keys = [e.key for e in menu_for(world.city_officer, "/")]
    finally:
        unregister_menu_entry(entry.key)
    assert "future" not in keys
    assert keys[0] == "home"


def test_a_menu_entry_appears_once_its_page_exists(world):
    entry = register_menu_entry(
        MenuEntry(
            "inbox",
            "通知",
            ("nowhere:nothing", "notifications:list"),
            roles=frozenset({"city_officer"}),
        )
    )
    try:
        menu = {e.key: e for e in menu_for(world.city_officer, "/notifications/")}
    finally:
        unregister_menu_entry(entry.key)
    assert menu["inbox"].url == reverse("notifications:list")
    assert menu["inbox"].active
    assert not menu["home"].active


def test_the_menu_shows_management_only_to_the_city_admin(world):
    admin_entries = {e.key for e in menu_for(world.city_admin, "/")}
    manager_entries = {e.key for e in menu_for(world.station_a1_manager, "/")}
    manage_keys = {"users", "audit", "security"}
    assert not manage_keys & manager_entries
    assert manage_keys | {"policy"} <= admin_entries
    # Everyone may read the thresholds they are judged by.
    assert "policy" in manager_entries


def test_the_station_manager_menu_is_shorter_than_the_city_officers(world):
    city = {e.key for e in menu_for(world.city_officer, "/")}
    manager = {e.key for e in menu_for(world.station_a1_manager, "/")}
    assert manager <= city
    assert "institutions" not in manager
    assert "contracts" not in manager


def test_the_header_has_the_user_menu_logout_form_and_language_switch(world, login):
    html = login(world.district_a_officer).get(reverse("portal:home")).content.decode()
    assert f'action="{reverse("portal_auth:logout")}"' in html
    assert f'action="{reverse("set_language")}"' in html
    assert 'value="en"' in html
    assert "区民政局人员 · 天河区" in html
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    assert "<script>" not in html  # CSP: no inline scripts


# --- language -------------------------------------------------------------------------


def test_switching_to_english_changes_the_page(world, login):
    client = login(world.district_a_officer)
    assert "首页" in client.get(reverse("portal:home")).content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("portal:home")).content.decode()
    assert 'lang="en"' in html
    assert "Home" in html
    assert "Guangzhou Social Work Station Portal" in html
    assert "待办事项" not in html


def test_the_fee_figure_reads_in_english_units_after_switching(world, login):
    client = login(world.city_officer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("portal:home")).content.decode()
    assert "720.00" in html
    assert "万元" not in html


# --- error pages -------------------------------------------------------------------------


def test_an_unknown_route_answers_404_in_chinese(world, login):
    response = login(world.city_officer).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert "portal-sidebar" in html  # same shell as every page


def test_an_unknown_route_answers_404_for_anonymous_visitors_too(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_an_unknown_route_answers_404_in_english_after_switching(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(
    ("handler", "status", "text"),
    [
        (errors.bad_request, 400, "请求有误"),
        (errors.permission_denied, 403, "没有权限"),
        (errors.page_not_found, 404, "页面不存在"),
    ],
)
def test_error_pages_render_with_their_status(world, handler, status, text):
    request = RequestFactory().get("/somewhere/")
    request.user = world.city_officer
    request.session = {}
    with translation.override("zh-hans"):
        response = handler(request, Exception())
    assert response.status_code == status
    assert text in response.content.decode()


def test_the_500_page_renders_without_touching_the_database(django_assert_num_queries):
    request = RequestFactory().get("/boom/")
    with translation.override("zh-hans"), django_assert_num_queries(0):
        response = errors.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "系统错误" in html
    assert "/static/css/portal.css" in html


def test_api_errors_answer_json(world, login):
    response = login(world.city_officer).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


# --- money formatting -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("2400000"), "2,400,000.00"),
        (Decimal("2400000.005"), "2,400,000.01"),  # half-up, not banker's rounding
        (Decimal("0.125"), "0.13"),
        (Decimal("-1234.5"), "-1,234.50"),
        (Decimal("-0.001"), "0.00"),
        (1560, "1,560.00"),
        ("99.995", "100.00"),
        (0.1, "0.10"),
        (None, "—"),
        ("", "—"),
        ("abc", "—"),
    ],
)
def test_yuan_formats_with_thousands_separators_and_half_up(value, expected):
    assert yuan(value) == expected


def test_wan_yuan_divides_by_ten_thousand_and_adds_the_unit():
    with translation.override("zh-hans"):
        assert wan_yuan(Decimal("482400000.00")) == "48,240.00万元"
        assert wan_yuan(Decimal("2400000")) == "240.00万元"
        assert wan_yuan(Decimal("50")) == "0.01万元"  # 0.005 rounds half-up
    assert wan(Decimal("482400000.00")) == "48,240.00"


# --- the English catalogue --------------------------------------------------------------


def _catalogue():
    import importlib.util

    from django.conf import settings

    path = Path(settings.BASE_DIR) / "scripts" / "check_translations.py"
    spec = importlib.util.spec_from_file_location("check_translations", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_every_entry_of_the_english_catalogue_is_translated_and_compiled():
    import gettext

    from django.conf import settings

    check = _catalogue()
    po = check.catalogue_path("en")
    entries = [
        e for e in check.parse(po.read_text(encoding="utf-8")) if not e.is_header and not e.obsolete
    ]
    assert [e.key for kind, e in check.problems(entries)] == []
    mo = gettext.GNUTranslations((po.parent / "django.mo").open("rb"))
    stale = [
        e.msgid
        for e in entries
        if e.msgid_plural is None and e.msgctxt is None and mo.gettext(e.msgid) != e.msgstr[0]
    ]
    assert stale == [], "run compilemessages"
    assert Path(settings.BASE_DIR, "locale", "en", "LC_MESSAGES", "django.mo").exists()


# --- error messages -------------------------------------------------------------------


def test_a_403_page_gives_the_reason_the_service_raised(world, login):
    # A station manager may not enrol a second factor; the page says so, not a generic line.
    response = login(world.station_a1_manager).get("/accounts/otp/")
    assert response.status_code == 403
    assert "您的角色无需也不能启用双因素认证。" in response.content.decode()


def test_a_403_without_a_reason_does_not_claim_the_user_may_view_the_page(world, login):
    response = login(world.station_a1_manager).get(reverse("manage:user_list"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "您没有访问此页面或执行该操作的权限。如需开通，请联系市级管理员。" in html
    assert "您可以查看此内容" not in html


def test_a_malformed_api_payload_is_refused_in_the_users_language_and_changes_nothing(world, login):
    from portal.models import PolicyVersion

    client = login(world.city_admin)
    before = PolicyVersion.objects.count()
    response = client.post(
        "/api/v1/policy-versions/", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "请求内容格式不正确：无法按所声明的类型（Content-Type）解析，请检查JSON或表单格式。"
    )
    assert "JSON parse error" not in response.content.decode()
    assert PolicyVersion.objects.count() == before


def test_the_api_docs_start_without_inline_script_so_the_content_policy_lets_them_run(world, login):
    import re

    client = login(world.district_a_officer)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    directives = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert "'unsafe-inline'" not in directives["script-src"]
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all("src=" in attrs and not body.strip() for attrs, body in scripts)
    start = next(attrs for attrs, _body in scripts if "script" in attrs.split("src=")[1][:80])
    url = re.search(r'src="([^"]+)"', start).group(1).replace("&amp;", "&")
    script = client.get(url)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
