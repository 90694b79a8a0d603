"""Order pages and API: respond and verify through the API, the old addresses redirect."""

from __future__ import annotations

from rectification import services as rectification_services
from rectification.choices import OrderStatus
from rectification.models import RectificationOrder
from tests.inspections.test_views import _signed_visit


def test_the_station_answers_and_the_district_verifies_through_the_api(world, plan, login):
    visit = _signed_visit(world, plan)
    order = RectificationOrder.objects.get(finding__inspection=visit)
    district = login(world.district_a_officer)
    early = district.post(
        f"/api/v1/rectification/orders/{order.pk}/verify/",
        {"accept": True},
        content_type="application/json",
    )
    assert (
        early.status_code == 400
        and rectification_services.ORDER_NOT_ANSWERED in early.content.decode()
    )
    station = login(world.station_a1_manager)
    r = station.post(f"/api/v1/rectification/orders/{order.pk}/respond/", {"text": "已更换灭火器"})
    assert r.status_code == 200 and r.json()["status"] == OrderStatus.ANSWERED
    district = login(world.district_a_officer)
    r = district.post(
        f"/api/v1/rectification/orders/{order.pk}/verify/",
        {"accept": True},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == OrderStatus.CLOSED
    history = district.get(f"/api/v1/rectification/orders/{order.pk}/history/").json()
    assert [h["to_status"] for h in history] == ["open", "answered", "closed"]
    outsider = login(world.district_b_officer)
    assert outsider.get(f"/api/v1/rectification/orders/{order.pk}/").status_code == 404


def test_the_old_order_addresses_redirect_permanently_to_the_rectification_pages(
    world, plan, login
):
    visit = _signed_visit(world, plan)
    order = RectificationOrder.objects.get(finding__inspection=visit)
    client = login(world.station_a1_manager)
    r = client.get(f"/inspections/orders/{order.pk}/")
    assert r.status_code == 301 and r["Location"] == f"/rectification/orders/{order.pk}/"
    r = client.get("/inspections/orders/?status=open")
    assert r.status_code == 301 and r["Location"] == "/rectification/orders/?status=open"
    assert client.get(r["Location"]).status_code == 200


def test_an_inspection_order_links_its_visit_not_a_code(world, plan, login):
    visit = _signed_visit(world, plan)
    order = RectificationOrder.objects.get(finding__inspection=visit)
    body = login(world.station_a1_manager).get(f"/rectification/orders/{order.pk}/")
    text = body.content.decode()
    assert f'href="/inspections/visits/{visit.pk}/"' in text and "督查发现问题：" in text
    assert "inspection:" not in text and "None" not in text
