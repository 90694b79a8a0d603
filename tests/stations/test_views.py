"""Pages of the stations app: scope, filters, export, forms, map data and query counts."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from portal.models import AuditEvent
from stations.choices import ManagementMode, StationStatus
from stations.models import Contract, CreditRecord, Institution, Outpost, Station
from stations.rules import make_credit_code
from stations.tabs import register_station_tab, unregister_station_tab
from tests.factories import (
    CommunityFactory,
    ContractFactory,
    InstitutionFactory,
    StationFactory,
    SubdistrictFactory,
)

pytestmark = pytest.mark.django_db


def detail(station):
    return reverse("stations:station_detail", args=[station.pk])


def edit(station):
    return reverse("stations:station_update", args=[station.pk])


def station_form_data(station, **changes):
    data = {
        "code": station.code,
        "name": station.name,
        "subdistrict": station.subdistrict_id,
        "address": station.address,
        "phone": station.phone,
        "email": station.email,
        "head_name": station.head_name,
        "head_title": station.head_title,
        "deputy_head_name": station.deputy_head_name,
        "management_mode": station.management_mode,
        "status": station.status,
        "established_on": "",
        "longitude": "",
        "latitude": "",
    }
    data.update(changes)
    return data


# --- scope matrix ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "station", "expected"),
    [
        ("city_officer", "station_a1", 200),
        ("district_a_officer", "station_a1", 200),
        ("subdistrict_a1_officer", "station_a1", 200),
        ("institution_a_admin", "station_a1", 200),
        ("station_a1_manager", "station_a1", 200),
        ("district_b_officer", "station_a1", 404),
        ("station_b1_manager", "station_a1", 404),
        ("station_a1_manager", "station_a2", 404),
        ("institution_a_admin", "station_a2", 404),
        ("subdistrict_a1_officer", "station_a2", 404),
    ],
)
def test_the_station_page_answers_by_scope(world, login, persona, station, expected):
    client = login(getattr(world, persona))
    assert client.get(detail(getattr(world, station))).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("city_admin", 200),
        ("district_a_officer", 200),
        ("station_a1_manager", 403),
        ("subdistrict_a1_officer", 403),
        ("institution_a_admin", 403),
        ("city_officer", 403),
        ("district_b_officer", 404),
        ("station_b1_manager", 404),
    ],
)
def test_the_station_edit_page_is_for_editors_in_scope_only(world, login, persona, expected):
    client = login(getattr(world, persona))
    assert client.get(edit(world.station_a1)).status_code == expected
    if expected != 200:
        data = station_form_data(world.station_a1, name="改名")
        assert client.post(edit(world.station_a1), data).status_code == expected
        world.station_a1.refresh_from_db()
        assert world.station_a1.name != "改名"


def test_a_district_officer_edits_a_station_of_their_district(world, login):
    client = login(world.district_a_officer)
    response = client.post(
        edit(world.station_a1),
        station_form_data(world.station_a1, name="五山街道社工服务站（新）", phone="020-87654321"),
    )
    assert response.status_code == 302
    world.station_a1.refresh_from_db()
    assert world.station_a1.name == "五山街道社工服务站（新）"
    page = client.get(detail(world.station_a1)).content.decode()
    assert "020-87654321" in page  # in the change history and the contact block


def test_moving_a_station_to_another_districts_street_is_refused_in_chinese(world, login):
    client = login(world.district_a_officer)
    response = client.post(
        edit(world.station_a1),
        station_form_data(world.station_a1, subdistrict=world.subdistrict_b1.pk),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["subdistrict"]
    assert any("镇街" in e and "本区" in e for e in errors)
    world.station_a1.refresh_from_db()
    assert world.station_a1.subdistrict == world.subdistrict_a1


def test_the_create_page_is_refused_to_roles_that_only_read(world, login):
    for persona in ("station_a1_manager", "subdistrict_a1_officer", "city_officer"):
        client = login(getattr(world, persona))
        assert client.get(reverse("stations:station_create")).status_code == 403


def test_a_district_officer_creates_a_station_only_in_their_district(world, login):
    client = login(world.district_a_officer)
    page = client.get(reverse("stations:station_create"))
    choices = list(page.context["form"].fields["subdistrict"].queryset)
    assert world.subdistrict_a1 in choices
    assert world.subdistrict_b1 not in choices
    blank = Station(code="TH-009", name="新站", subdistrict=world.subdistrict_a1)
    response = client.post(reverse("stations:station_create"), station_form_data(blank))
    assert response.status_code == 302
    assert Station.objects.get(code="TH-009").district == world.district_a


# --- station list ---------------------------------------------------------------------------


def list_codes(client, **params):
    response = client.get(reverse("stations:station_list"), params)
    assert response.status_code == 200
    return [s.code for s in response.context["object_list"]]


def test_the_station_list_shows_only_the_stations_in_scope(world, login):
    assert list_codes(login(world.district_a_officer)) == ["TH-001", "TH-002"]
    assert list_codes(login(world.station_b1_manager)) == ["HZ-001"]
    assert list_codes(login(world.institution_a_admin)) == ["TH-001"]
    assert list_codes(login(world.city_officer)) == ["HZ-001", "TH-001", "TH-002"]


def test_the_station_list_filters_searches_and_sorts(world, login, today):
    client = login(world.city_admin)
    assert list_codes(client, district=world.district_b.pk) == ["HZ-001"]
    assert list_codes(client, subdistrict=world.subdistrict_a1.pk) == ["TH-001"]
    assert list_codes(client, institution=world.institution_b.pk) == ["HZ-001", "TH-002"]
    assert list_codes(client, q="员村") == ["TH-002"]
    assert list_codes(client, q="hz-0") == ["HZ-001"]
    assert list_codes(client, service_year=today.year) == ["HZ-001", "TH-001", "TH-002"]
    assert list_codes(client, service_year=today.year - 5) == []
    Station.objects.filter(pk=world.station_a2.pk).update(
        status=StationStatus.SUSPENDED, management_mode=ManagementMode.PILOT_2019
    )
    assert list_codes(client, status=StationStatus.SUSPENDED) == ["TH-002"]
    assert list_codes(client, management_mode=ManagementMode.PILOT_2019) == ["TH-002"]
    assert list_codes(client, sort="-code") == ["TH-002", "TH-001", "HZ-001"]
    Institution.objects.filter(pk=world.institution_a.pk).update(name="A社工中心")
    Institution.objects.filter(pk=world.institution_b.pk).update(name="B社工中心")
    assert list_codes(client, sort="institution")[0] == "TH-001"
    assert list_codes(client, sort="-institution")[-1] == "TH-001"


def test_the_filter_dropdowns_offer_only_what_the_user_may_see(world, login):
    response = login(world.district_a_officer).get(reverse("stations:station_list"))
    form = response.context["filter"].form
    assert set(form.fields["district"].queryset) == {world.district_a}
    assert world.subdistrict_b1 not in set(form.fields["subdistrict"].queryset)
    assert set(form.fields["institution"].queryset) == {world.institution_a, world.institution_b}
    response = login(world.station_b1_manager).get(reverse("stations:station_list"))
    form = response.context["filter"].form
    assert set(form.fields["district"].queryset) == {world.district_b}
    assert set(form.fields["institution"].queryset) == {world.institution_b}


def test_the_dropdown_search_suggests_only_what_the_user_may_see(world, login):
    def texts(client, source, **params):
        url = reverse("stations:choice_search", args=[source])
        response = client.get(url, params)
        assert response.status_code == 200
        return [row["text"] for row in response.json()["results"]]

    officer = login(world.district_a_officer)
    assert texts(officer, "subdistrict", q="街") == ["五山街道 · 天河区", "员村街道 · 天河区"]
    assert texts(officer, "district") == ["天河区 · 440106"]
    assert texts(officer, "station", q="赤岗") == []
    city = login(world.city_officer)
    assert texts(city, "station", q="社工", district=world.district_b.pk) == [
        "赤岗街社工服务站 · HZ-001"
    ]
    assert texts(city, "district", q="440105") == ["海珠区 · 440105"]
    assert city.get(reverse("stations:choice_search", args=["users"])).status_code == 404


def test_the_dropdown_search_is_for_signed_in_users(client, world):
    response = client.get(reverse("stations:choice_search", args=["district"]))
    assert response.status_code == 302


def test_the_station_list_runs_the_same_queries_for_3_or_30_stations(world, login):
    client = login(world.city_admin)
    url = reverse("stations:station_list")
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"sort": "institution"}).status_code == 200
    for n in range(27):
        station = StationFactory(subdistrict=world.subdistrict_a1, code=f"TH-1{n:02d}")
        ContractFactory(station=station, institution=world.institution_a)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"sort": "institution"})
    assert len(response.context["object_list"]) == 30
    assert len(many) == len(few)
    assert len(many) <= 15


def test_the_export_holds_exactly_the_visible_filtered_stations_with_formulas_neutralised(
    world, login
):
    Station.objects.filter(pk=world.station_a2.pk).update(name='=HYPERLINK("http://x")')
    client = login(world.district_a_officer)
    response = client.get(reverse("stations:station_list"), {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "站点编号"
    assert [r[0] for r in rows[1:]] == ["TH-001", "TH-002"]
    assert rows[2][1] == '\'=HYPERLINK("http://x")'
    assert rows[1][10] == world.institution_a.name
    filtered = client.get(reverse("stations:station_list"), {"format": "xlsx", "q": "五山"})
    sheet = load_workbook(io.BytesIO(b"".join(filtered.streaming_content))).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["TH-001"]
    assert AuditEvent.objects.filter(action="export", object_type="stations.station").count() == 2


# --- station page ---------------------------------------------------------------------------


def test_the_station_page_shows_operator_contracts_and_history(world, login, today):
    earlier = ContractFactory(
        station=world.station_a1,
        institution=world.institution_b,
        service_year=today.year - 1,
    )
    client = login(world.district_a_officer)
    client.post(edit(world.station_a1), station_form_data(world.station_a1, head_name="王五"))
    response = client.get(detail(world.station_a1))
    page = response.content.decode()
    assert response.context["station"].operator_name == world.institution_a.name
    assert world.contract_a1.code in page and earlier.code in page
    assert "王五" in page
    history = list(response.context["history"])
    assert any(e.object_type == "stations.station" and e.action == "update" for e in history)
    assert any(e.object_type == "stations.contract" for e in history)


def test_the_pilot_mode_is_explained_on_the_station_page(world, login):
    Station.objects.filter(pk=world.station_a1.pk).update(management_mode=ManagementMode.PILOT_2019)
    page = login(world.city_officer).get(detail(world.station_a1)).content.decode()
    assert "站长领导制" in page and "副站长负责制" in page


def test_only_registered_tabs_appear_on_the_station_page(world, login):
    client = login(world.city_officer)
    page = client.get(detail(world.station_a1)).content.decode()
    assert "pane-evaltest" not in page
    register_station_tab(
        "evaltest", "评估测试", lambda request, station: f"<p>站点{station.code}</p>", order=5
    )
    try:
        page = client.get(detail(world.station_a1)).content.decode()
        tab_url = reverse("stations:station_tab", args=[world.station_a1.pk, "evaltest"])
        assert "pane-evaltest" in page and "评估测试" in page and tab_url in page
        assert client.get(tab_url).content.decode() == "<p>站点TH-001</p>"
        assert login(world.district_b_officer).get(tab_url).status_code == 404
        missing = reverse("stations:station_tab", args=[world.station_a1.pk, "nothing"])
        assert login(world.city_officer).get(missing).status_code == 404
    finally:
        unregister_station_tab("evaltest")


# --- map ------------------------------------------------------------------------------------


def test_the_map_data_counts_only_what_the_user_may_see(world, login):
    response = login(world.district_a_officer).get(reverse("stations:station_map_data"))
    data = response.json()
    assert [(d["name"], d["stations"], d["contracts_in_force"]) for d in data["districts"]] == [
        ("天河区", 2, 2)
    ]
    everyone = login(world.city_officer).get(reverse("stations:station_map_data")).json()
    assert {d["name"] for d in everyone["districts"]} == {"天河区", "海珠区"}
    nothing = login(world.evaluator).get(reverse("stations:station_map_data")).json()
    assert nothing["districts"] == []


def test_the_map_view_of_the_list_loads_its_script_without_inline_code(world, login):
    page = login(world.city_officer).get(reverse("stations:station_list"), {"view": "map"})
    html = page.content.decode()
    assert "js/stations_map.js" in html and "echarts-maps/guangzhou.js" in html
    assert 'id="station-map"' in html
    assert "<script>" not in html


# --- institutions ---------------------------------------------------------------------------


def institution_data(**changes):
    data = {
        "name": "广州市新社会工作服务中心",
        "credit_code": make_credit_code(7),
        "legal_representative": "赵六",
        "registration_authority": "广州市民政局",
        "registered_on": "2015-03-01",
        "rating": "4a",
        "status": "active",
        "address": "",
        "phone": "",
        "email": "",
    }
    data.update(changes)
    return data


def test_an_invalid_credit_code_shows_the_gb32100_reason(world, login):
    client = login(world.district_a_officer)
    good = make_credit_code(11)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client.post(
        reverse("stations:institution_create"), institution_data(credit_code=bad)
    )
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["credit_code"])
    assert "GB 32100" in message and "第18位" in message
    assert "confirm_invalid_code" not in response.context["form"].fields
    assert not Institution.objects.filter(credit_code=bad).exists()


def test_a_city_admin_may_confirm_a_real_code_that_fails_the_check(world, login):
    client = login(world.city_admin)
    good = make_credit_code(12)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client.post(
        reverse("stations:institution_create"),
        institution_data(credit_code=bad, confirm_invalid_code="on"),
    )
    assert response.status_code == 302
    institution = Institution.objects.get(credit_code=bad)
    assert institution.credit_code_confirmed_by == world.city_admin
    page = client.get(reverse("stations:institution_detail", args=[institution.pk]))
    assert "确认真实有效" in page.content.decode()


def test_the_institution_page_shows_stations_now_and_before_and_credit_records(world, login, today):
    ContractFactory(
        station=world.station_a2, institution=world.institution_a, service_year=today.year - 2
    )
    CreditRecord.objects.create(
        institution=world.institution_a,
        kind="abnormal_operation",
        listed_on=dt.date(today.year - 1, 3, 1),
        reason="未按时年报",
    )
    response = login(world.city_officer).get(
        reverse("stations:institution_detail", args=[world.institution_a.pk])
    )
    assert [c.station for c in response.context["stations_now"]] == [world.station_a1]
    assert [c.station for c in response.context["stations_before"]] == [world.station_a2]
    assert "未按时年报" in response.content.decode()


def test_the_institution_edit_page_is_the_city_admins(world, login):
    url = reverse("stations:institution_update", args=[world.institution_a.pk])
    assert login(world.district_a_officer).get(url).status_code == 403
    assert login(world.city_admin).get(url).status_code == 200


def test_a_city_admin_lists_and_lifts_a_credit_record(world, login):
    client = login(world.city_admin)
    url = reverse("stations:credit_record_create", args=[world.institution_b.pk])
    response = client.post(
        url,
        {
            "kind": "serious_dishonesty",
            "listed_on": "2024-05-01",
            "authority": "广州市民政局",
            "reason": "虚假材料",
        },
    )
    assert response.status_code == 302
    record = CreditRecord.objects.get(institution=world.institution_b)
    listing = client.get(reverse("stations:institution_list"), {"listed": "true"})
    assert [i.pk for i in listing.context["object_list"]] == [world.institution_b.pk]
    lift = reverse("stations:credit_record_lift", args=[record.pk])
    assert client.post(lift, {"lifted_on": "2024-01-01"}).status_code == 200  # before listing
    assert client.post(lift, {"lifted_on": "2025-05-01"}).status_code == 302
    record.refresh_from_db()
    assert record.lifted_on == dt.date(2025, 5, 1)
    assert login(world.district_a_officer).get(url).status_code == 403


def test_the_institution_list_is_exported(world, login):
    response = login(world.city_officer).get(
        reverse("stations:institution_list"), {"format": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == sorted([world.institution_a.name, world.institution_b.name])


# --- contracts ------------------------------------------------------------------------------


def contract_data(station, institution, year, **changes):
    data = {
        "code": "",
        "station": station.pk,
        "institution": institution.pk,
        "purchaser": "",
        "kind": Contract.objects.first().kind_id,
        "service_year": year,
        "starts_on": f"{year}-01-01",
        "ends_on": f"{year}-12-31",
        "annual_fee": "2400000.00",
        "status": "signed",
        "signed_on": "",
        "note": "",
    }
    data.update(changes)
    return data


def test_an_overlapping_contract_is_refused_on_the_form_naming_the_other(world, login, today):
    client = login(world.district_a_officer)
    response = client.post(
        reverse("stations:contract_create"),
        contract_data(
            world.station_a1, world.institution_b, today.year, starts_on=f"{today.year}-07-01"
        ),
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get("starts_on", []))
    assert world.contract_a1.code in errors and world.institution_a.name in errors
    assert Contract.objects.filter(station=world.station_a1).count() == 1


def test_the_contract_form_prefills_the_fee_of_the_policy_in_force(world, login, today):
    client = login(world.city_admin)
    response = client.get(
        reverse("stations:contract_create"),
        {"station": world.station_a1.pk, "service_year": today.year + 1},
    )
    initial = response.context["form"].initial
    assert Decimal(initial["annual_fee"]) == Decimal("2400000.00")
    assert initial["station"] == world.station_a1.pk
    fee = client.get(reverse("stations:policy_fee"), {"service_year": today.year}).json()
    assert Decimal(fee["annual_fee"]) == Decimal("2400000.00")


def test_a_district_officer_registers_next_years_contract(world, login, today):
    client = login(world.district_a_officer)
    response = client.post(
        reverse("stations:contract_create"),
        contract_data(
            world.station_a1,
            world.institution_b,
            today.year + 1,
            service_year=today.year + 1,
            starts_on=f"{today.year + 1}-01-01",
            ends_on=f"{today.year + 1}-12-31",
            annual_fee="1854000.00",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    contract = Contract.objects.get(station=world.station_a1, service_year=today.year + 1)
    assert contract.annual_fee == Decimal("1854000.00")
    assert contract.purchaser == world.subdistrict_a1
    # Stations of district B are not offered, and cannot be posted.
    form = client.get(reverse("stations:contract_create")).context["form"]
    assert world.station_b1 not in set(form.fields["station"].queryset)
    refused = client.post(
        reverse("stations:contract_create"),
        contract_data(
            world.station_b1,
            world.institution_a,
            today.year + 1,
            service_year=today.year + 1,
            starts_on=f"{today.year + 1}-01-01",
            ends_on=f"{today.year + 1}-12-31",
        ),
    )
    assert "station" in refused.context["form"].errors


def test_the_contract_list_filters_by_date_in_force_and_is_scoped(world, login, today):
    ContractFactory(
        station=world.station_a1, institution=world.institution_b, service_year=today.year - 1
    )
    client = login(world.district_a_officer)
    url = reverse("stations:contract_list")
    everything = client.get(url).context["object_list"]
    assert {c.station.district_id for c in everything} == {world.district_a.pk}
    on = client.get(url, {"in_force_on": f"{today.year - 1}-06-01"}).context["object_list"]
    assert [c.service_year for c in on] == [today.year - 1]
    by_inst = client.get(url, {"institution": world.institution_a.pk}).context["object_list"]
    assert [c.code for c in by_inst] == [world.contract_a1.code]
    exported = client.get(url, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(exported.streaming_content))).active
    assert len(list(sheet.iter_rows(min_row=2))) == 3


def test_a_contract_is_terminated_early_with_a_reason(world, login, today):
    client = login(world.city_admin)
    url = reverse("stations:contract_terminate", args=[world.contract_a1.pk])
    response = client.post(url, {"terminated_on": f"{today.year}-06-30", "reason": "机构申请退出"})
    assert response.status_code == 302
    world.contract_a1.refresh_from_db()
    assert world.contract_a1.status == "terminated"
    assert world.contract_a1.ends_on == dt.date(today.year, 6, 30)
    assert login(world.station_a1_manager).get(url).status_code == 403


def test_an_early_end_shows_the_planned_end_and_the_reason_on_contract_and_station(
    world, login, today
):
    planned = world.contract_a1.ends_on
    client = login(world.city_admin)
    client.post(
        reverse("stations:contract_terminate", args=[world.contract_a1.pk]),
        {"terminated_on": f"{today.year}-06-30", "reason": "机构申请退出"},
    )
    for page in (
        client.get(reverse("stations:contract_detail", args=[world.contract_a1.pk])),
        login(world.station_a1_manager).get(
            reverse("stations:station_detail", args=[world.station_a1.pk])
        ),
    ):
        html = page.content.decode()
        assert "机构申请退出" in html
        assert planned.strftime("%Y-%m-%d") in html
        assert f"{today.year}-06-30" in html


def test_the_contract_form_searches_long_lists_and_accepts_any_station_in_reach(
    world, login, monkeypatch
):
    from stations import filtersets

    monkeypatch.setattr(filtersets, "CHOICE_LIMIT", 1)
    client = login(world.district_a_officer)
    page = client.get(reverse("stations:contract_create")).content.decode()
    assert 'data-autocomplete="/stations/choices/station/"' in page
    assert 'data-autocomplete="/stations/choices/any-subdistrict/"' in page
    assert "js/stations_autocomplete" in page
    assert world.station_a2.name not in page  # only the chosen option is rendered


# --- outposts -------------------------------------------------------------------------------


def test_a_district_officer_opens_and_closes_an_outpost(world, login):
    community = CommunityFactory(subdistrict=world.subdistrict_a1, name="五山社区")
    client = login(world.district_a_officer)
    url = reverse("stations:outpost_create", args=[world.station_a1.pk])
    response = client.post(
        url,
        {
            "name": "五山社区社工点",
            "community": community.pk,
            "address": "",
            "opened_on": "2024-01-01",
        },
    )
    assert response.status_code == 302
    outpost = Outpost.objects.get(station=world.station_a1)
    assert "五山社区社工点" in client.get(detail(world.station_a1)).content.decode()
    close = reverse("stations:outpost_close", args=[outpost.pk])
    assert client.post(close, {"closed_on": "2025-01-01"}).status_code == 302
    outpost.refresh_from_db()
    assert outpost.closed_on == dt.date(2025, 1, 1)
    assert login(world.station_a1_manager).get(url).status_code == 403
    assert login(world.district_b_officer).get(url).status_code == 404


# --- geography ------------------------------------------------------------------------------


def test_every_signed_in_user_browses_the_geography(world, login):
    CommunityFactory(subdistrict=world.subdistrict_b1, name="赤岗社区")
    client = login(world.station_a1_manager)
    districts = client.get(reverse("stations:district_list"))
    assert districts.status_code == 200
    counts = {
        d.name: (d.subdistrict_count, d.station_count) for d in districts.context["object_list"]
    }
    # Reference counts are public; station counts are the user's own scope.
    assert counts["海珠区"] == (1, 0) and counts["天河区"] == (2, 1)
    page = client.get(reverse("stations:district_detail", args=[world.district_b.pk]))
    assert "赤岗街道" in page.content.decode()
    page = client.get(reverse("stations:subdistrict_detail", args=[world.subdistrict_b1.pk]))
    assert "赤岗社区" in page.content.decode()
    assert "赤岗街社工服务站" not in page.content.decode()  # the station is out of scope


def test_a_town_level_unit_that_is_neither_street_nor_town_is_shown_as_such(world, login):
    farm = SubdistrictFactory(
        district=world.district_b, code="440105400", name="某某林场", kind="special"
    )
    client = login(world.city_officer)
    districts = client.get(reverse("stations:district_list"))
    assert "（含其他 1 个）" in districts.content.decode()
    page = client.get(reverse("stations:district_detail", args=[world.district_b.pk]))
    assert "其他（林场、水库等）" in page.content.decode()
    page = client.get(reverse("stations:subdistrict_detail", args=[farm.pk])).content.decode()
    assert "不是街道或镇" in page


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for name, args in [
        ("station_list", []),
        ("station_detail", [world.station_a1.pk]),
        ("district_list", []),
        ("station_map_data", []),
    ]:
        response = client.get(reverse(f"stations:{name}", args=args))
        assert response.status_code == 302


__all__ = ["InstitutionFactory", "SubdistrictFactory"]


# --- admin ----------------------------------------------------------------------------------


def test_the_admin_shows_stations_read_only_through_the_portal_scoped_admin(world, login):
    from django.contrib import admin as django_admin

    from portal.admin import ScopedAdmin

    for model in (Station, Institution, Contract):
        assert isinstance(django_admin.site._registry[model], ScopedAdmin)
    world.city_admin.is_staff = True
    world.city_admin.save(update_fields=["is_staff"])
    client = login(world.city_admin)
    changelist = client.get(reverse("admin:stations_station_changelist"))
    assert changelist.status_code == 200
    assert world.station_b1.code in changelist.content.decode()
    assert client.get(reverse("admin:stations_station_add")).status_code == 403
    change = client.post(
        reverse("admin:stations_station_change", args=[world.station_a1.pk]), {"name": "x"}
    )
    assert change.status_code == 403
    world.station_a1.refresh_from_db()
    assert world.station_a1.name == "五山街社工服务站"


# --- review of issue 3: words instead of dashes, refusals that name the rule ------------------


def test_form_dropdowns_name_their_empty_choice_instead_of_dashes(world, login):
    client = login(world.city_admin)
    pages = [
        reverse("stations:station_create"),
        edit(world.station_a1),
        reverse("stations:contract_create"),
        reverse("stations:contract_update", args=[world.contract_a1.pk]),
        reverse("stations:credit_record_create", args=[world.institution_a.pk]),
        reverse("stations:outpost_create", args=[world.station_a1.pk]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "---------" not in html, url
    html = client.get(reverse("stations:contract_create")).content.decode()
    assert "请选择承接机构" in html
    assert "（社工站所在镇街）" in html


def test_the_credit_record_filter_offers_all_yes_and_no_rather_than_unknown(world, login):
    page = login(world.city_officer).get(reverse("stations:institution_list"))
    html = str(page.context["filter"].form["listed"])
    assert '<option value="" selected>全部</option>' in html
    assert '<option value="true">是</option>' in html
    assert "未知" not in html


@pytest.mark.parametrize(
    ("persona", "url", "message"),
    [
        (
            "subdistrict_a1_officer",
            lambda w: edit(w.station_a1),
            "您没有修改社工站的权限：修改社工站须由市级管理员或区民政局人员（限本区）办理。",
        ),
        (
            "station_a1_manager",
            lambda w: reverse("stations:station_create"),
            "您没有新建社工站的权限：新建社工站须由市级管理员或区民政局人员（限本区）办理。",
        ),
        (
            "district_a_officer",
            lambda w: reverse("stations:institution_update", args=[w.institution_a.pk]),
            "您没有修改承接机构的权限：修改承接机构须由市级管理员办理。",
        ),
        (
            "institution_a_admin",
            lambda w: reverse("stations:outpost_create", args=[w.station_a1.pk]),
            "您没有新建社工点的权限：新建社工点须由市级管理员或区民政局人员（限本区）办理。",
        ),
        (
            "city_officer",
            lambda w: reverse("stations:import", args=["contracts"]),
            "您没有新建服务合同的权限：新建服务合同须由市级管理员或区民政局人员（限本区）办理。",
        ),
    ],
)
def test_a_role_that_only_reads_is_told_who_may_make_the_change(
    world, login, persona, url, message
):
    response = login(getattr(world, persona)).get(url(world))
    assert response.status_code == 403
    assert message in response.content.decode()


def test_a_refused_edit_changes_nothing(world, login):
    client = login(world.subdistrict_a1_officer)
    response = client.post(edit(world.station_a1), station_form_data(world.station_a1, name="改"))
    assert response.status_code == 403
    assert "须由市级管理员或区民政局人员（限本区）办理" in response.content.decode()
    world.station_a1.refresh_from_db()
    assert world.station_a1.name != "改"


def test_form_and_import_pages_lead_back_to_their_list_in_the_breadcrumbs(world, login):
    client = login(world.city_admin)
    expected = {
        reverse("stations:station_create"): reverse("stations:station_list"),
        reverse("stations:contract_create"): reverse("stations:contract_list"),
        reverse("stations:institution_create"): reverse("stations:institution_list"),
        reverse("stations:import", args=["institutions"]): reverse("stations:institution_list"),
        reverse("stations:outpost_create", args=[world.station_a1.pk]): reverse(
            "stations:station_list"
        ),
    }
    for page, crumb in expected.items():
        html = client.get(page).content.decode()
        assert f'<li class="breadcrumb-item"><a href="{crumb}">' in html, page


def test_the_page_refuses_a_city_admin_confirming_a_code_with_a_forbidden_letter(world, login):
    good = make_credit_code(13)
    forbidden = good[:10] + "O" + good[11:]
    response = login(world.city_admin).post(
        reverse("stations:institution_create"),
        institution_data(credit_code=forbidden, confirm_invalid_code="on"),
    )
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["credit_code"])
    assert "格式不正确" in message and "第11位字符“O”" in message and "不能确认" in message
    assert not Institution.objects.filter(credit_code=forbidden).exists()
