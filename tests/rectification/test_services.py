"""An order to closure through the rectification services: respond, reject, accept, the
whole history; opening from an evaluation; escalation of overdue orders; the repeat flag."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from portal.errors import Conflict
from portal.models import Notification
from portal.selectors import policy_in_force
from rectification import services as rectification_services
from rectification.choices import EscalationLevel, OrderStatus, SourceKind
from tests.inspections.test_services import PNG, _order


def test_an_order_goes_answered_rejected_answered_accepted_with_its_whole_history(
    world, plan, today
):
    order = _order(world, plan, today)
    with pytest.raises(ValidationError) as error:
        rectification_services.rectification_verify(
            actor=world.district_a_officer, order=order, accept=True
        )
    assert error.value.messages == [rectification_services.ORDER_NOT_ANSWERED]
    order.refresh_from_db()
    assert order.status == OrderStatus.OPEN

    evidence = SimpleUploadedFile("after.png", PNG, "image/png")
    rectification_services.rectification_respond(
        actor=world.station_a1_manager, order=order, text="已清理", files=[evidence]
    )
    with pytest.raises(ValidationError):
        rectification_services.rectification_verify(
            actor=world.district_a_officer, order=order, accept=False
        )
    rectification_services.rectification_verify(
        actor=world.district_a_officer, order=order, accept=False, reason="仍有杂物"
    )
    assert order.status == OrderStatus.REOPENED
    rectification_services.rectification_respond(
        actor=world.institution_a_admin, order=order, text="再次清理"
    )
    rectification_services.rectification_verify(actor=world.inspector, order=order, accept=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED and order.closed_at
    kinds = [(e.kind, e.to_status) for e in order.events.all()]
    assert kinds == [
        ("opened", "open"),
        ("answered", "answered"),
        ("rejected", "reopened"),
        ("answered", "answered"),
        ("accepted", "closed"),
    ]
    with pytest.raises(Conflict):
        rectification_services.rectification_respond(
            actor=world.station_a1_manager, order=order, text="x"
        )


def test_the_station_side_cannot_verify_and_outsiders_cannot_see(world, plan, today):
    order = _order(world, plan, today)
    rectification_services.rectification_respond(
        actor=world.station_a1_manager, order=order, text="已整改"
    )
    with pytest.raises(PermissionDenied):
        rectification_services.rectification_verify(
            actor=world.station_a1_manager, order=order, accept=True
        )
    with pytest.raises(Http404):
        rectification_services.rectification_verify(
            actor=world.district_b_officer, order=order, accept=True
        )


def test_an_evaluation_opens_an_order_through_the_same_mechanism(world, today):
    order = rectification_services.rectification_order_open(
        actor=world.city_officer,
        station=world.station_a1,
        source_kind=SourceKind.EVALUATION,
        source_ref="evaluation:42",
        severity="major",
        title="评估不合格整改",
    )
    assert order.finding is None and order.institution == world.institution_a
    assert order.due_on == today + dt.timedelta(
        days=policy_in_force(today).rectification_days_major
    )
    from rectification.selectors import open_orders_for, orders_for_source

    assert list(open_orders_for([world.station_a1.pk])) == [order]
    assert list(orders_for_source(source_kind="evaluation", source_ref="evaluation:42")) == [order]
    with pytest.raises(ValidationError):
        rectification_services.rectification_order_open(
            actor=world.city_officer,
            station=world.station_a1,
            source_kind=SourceKind.INSPECTION_FINDING,
            source_ref="x",
            severity="minor",
            title="x",
        )


def test_overdue_orders_escalate_station_institution_district_city_once_each(world, plan, today):
    order = _order(world, plan, today)
    due = order.due_on
    assert rectification_services.rectification_escalate_overdue(today=due) == 0
    rectification_services.rectification_escalate_overdue(today=due + dt.timedelta(days=1))
    order.refresh_from_db()
    assert order.escalation_level == EscalationLevel.STATION
    rectification_services.rectification_escalate_overdue(today=due + dt.timedelta(days=40))
    order.refresh_from_db()
    assert order.escalation_level == EscalationLevel.CITY
    for user in (
        world.station_a1_manager,
        world.institution_a_admin,
        world.district_a_officer,
        world.city_officer,
    ):
        assert (
            Notification.objects.filter(recipient=user, kind="rectification_overdue").count() == 1
        )
    assert not Notification.objects.filter(recipient=world.district_b_officer).exists()
    assert (
        rectification_services.rectification_escalate_overdue(today=due + dt.timedelta(days=41))
        == 0
    )


def test_overdue_orders_escalate_by_the_policys_rectification_ladder(world, plan, today):
    from portal.choices import DeadlineKind
    from portal.selectors import ladder_in_force

    # The city admin moves the institution's day from 3 to 2 days late.
    ladder = ladder_in_force(DeadlineKind.RECTIFICATION, today)
    ladder.institution_after_days = 2
    ladder.save()
    order = _order(world, plan, today)
    rectification_services.rectification_escalate_overdue(today=order.due_on + dt.timedelta(days=2))
    order.refresh_from_db()
    assert order.escalation_level == EscalationLevel.INSTITUTION


def test_a_finding_repeated_at_the_same_station_within_a_year_is_flagged(world, plan, today):
    first = _order(world, plan, today)
    second = _order(world, None, today)
    assert not first.is_repeat
    assert second.is_repeat
    assert second.finding.repeat_of == first.finding
