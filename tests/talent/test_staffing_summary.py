"""The staffing board reads a per-station summary (``StaffingSummary``) kept by the services
and the nightly task. These tests hold it to the live aggregate over the employments on the
same data, after every write path, and check that a stale row is never shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from decimal import Decimal

import pytest
from django.urls import reverse

from portal.scoping import SYSTEM
from talent import roster, selectors, services, tasks
from talent.choices import CertificateLevel, EmploymentType, Position, ProgrammeKind
from talent.models import STAFFING_FIGURES, Employment, SocialWorker, StaffingSummary
from tests.talent.conftest import hire
from tests.talent.test_roster import row, workbook

pytestmark = pytest.mark.django_db


def figures(board) -> list[dict]:
    return [asdict(r) for r in board]


def assert_board_agrees(user, *, stations=None):
    """The board read through the summary equals the live aggregate, row for row and in the
    same order, and its SQL totals equal the rows' totals."""
    summary = selectors.staffing(user)
    live = selectors.staffing_board(user, live=True)
    rows = summary.rows()
    assert figures(rows) == figures(live)
    assert rows == sorted(rows, key=lambda r: r.sort_key)
    assert summary.totals() == selectors.board_totals(live)
    return rows


def assert_summary_fresh(*station_ids, today):
    """The summary rows of these stations were refreshed for today and hold the live counts
    (so the board read them, not a live fallback)."""
    live = {
        r["station_id"]: r
        for r in selectors.live_staffing(
            selectors.Station.objects.filter(pk__in=station_ids),
            on=today,
            window_end=selectors.staffing_window_end(today, selectors.policy_in_force(today)),
        )
    }
    for pk in station_ids:
        row = StaffingSummary.objects.get(station_id=pk)
        assert row.computed_on == today, pk
        stored = {k: getattr(row, k) for k in STAFFING_FIGURES}
        assert stored == {k: live.get(pk, {}).get(k, 0) for k in STAFFING_FIGURES}, pk


def board_row(user, station):
    return next(r for r in selectors.staffing_board(user) if r.station_id == station.pk)


def test_a_hire_keeps_the_summary_in_step(people, world, today):
    before = board_row(world.city_officer, world.station_a1).headcount
    hire(world.station_a1, name="新同事", position=Position.DEPUTY_HEAD, starts_on=today)
    assert_summary_fresh(world.station_a1.pk, today=today)
    after = board_row(world.city_officer, world.station_a1)
    assert after.headcount == before + 1 and after.deputy_in_post
    assert_board_agrees(world.city_officer)


def test_a_leaver_keeps_the_summary_in_step(people, world, today):
    employment = Employment.objects.get(person=people.ana)
    last_day = today - dt.timedelta(days=1)
    services.employment_end(actor=SYSTEM, employment=employment, ends_on=last_day)
    assert_summary_fresh(world.station_a1.pk, today=today)
    a1 = board_row(world.city_officer, world.station_a1)
    # Turnover counts this year's leavers: on 1 January, yesterday's leaver left last year.
    assert a1.headcount == 0 and a1.leavers == (1 if last_day.year == today.year else 0)
    assert_board_agrees(world.city_officer)


def test_a_certificate_and_a_registration_keep_the_summary_in_step(people, world, today):
    cert = services.certificate_add(
        actor=SYSTEM,
        person=people.ana,
        level=CertificateLevel.INTERMEDIATE,
        number="S-1",
        year_passed=2019,
    )
    assert_summary_fresh(world.station_a1.pk, today=today)
    assert board_row(world.city_officer, world.station_a1).intermediate == 1
    services.registration_add(
        actor=SYSTEM, certificate=cert, starts_on=today - dt.timedelta(days=3 * 365 - 10)
    )
    assert_summary_fresh(world.station_a1.pk, today=today)
    a1 = board_row(world.city_officer, world.station_a1)
    assert a1.expiring_30 == 1 and a1.ce_shortfalls == 1
    assert_board_agrees(world.city_officer)


def test_a_training_credit_keeps_the_summary_in_step(people, world, today):
    cert = services.certificate_add(
        actor=SYSTEM,
        person=people.ana,
        level=CertificateLevel.ASSISTANT,
        number="S-2",
        year_passed=2019,
    )
    starts = today - dt.timedelta(days=3 * 365 - 40)
    services.registration_add(actor=SYSTEM, certificate=cert, starts_on=starts)
    assert board_row(world.city_officer, world.station_a1).ce_shortfalls == 1
    programme = services.programme_create(
        actor=world.city_officer,
        year=today.year,
        kind=ProgrammeKind.CONTINUING,
        title="继续教育",
        provider="协会",
        budget=Decimal("1000.00"),
        places=5,
    )
    session = services.session_add(
        actor=world.city_officer,
        programme=programme,
        held_on=today,
        topic="伦理",
        hours=Decimal("80.0"),
    )
    enrolment = services.enrolment_add(
        actor=world.institution_a_admin, programme=programme, person=people.ana
    )
    services.attendance_record(actor=world.city_officer, session=session, enrolments=[enrolment])
    services.enrolment_complete(actor=world.city_officer, enrolment=enrolment, completed_on=today)
    assert_summary_fresh(world.station_a1.pk, today=today)
    assert board_row(world.city_officer, world.station_a1).ce_shortfalls == 0
    assert_board_agrees(world.city_officer)


def test_a_roster_import_keeps_the_summary_in_step(people, world, today):
    rows = [row(world.station_a1, name=f"名册{i}") for i in range(3)]
    rows[0].update(level="助理社会工作师", certificate_number="R-1", year_passed=2020)
    result = roster.roster_import(actor=world.institution_a_admin, fileobj=workbook(rows))
    assert result.ok, result.errors
    assert_summary_fresh(world.station_a1.pk, today=today)
    a1 = board_row(world.city_officer, world.station_a1)
    assert a1.headcount == 4 and a1.assistant == 1
    assert_board_agrees(world.city_officer)


def test_the_board_reads_the_summary_of_the_day_and_never_a_stale_row(people, world, today):
    services.station_staffing_refresh()
    row = StaffingSummary.objects.get(station=world.station_a1)
    # A row of today is what the board shows (so the summary is really read) ...
    StaffingSummary.objects.filter(pk=row.pk).update(headcount=17)
    assert board_row(world.city_officer, world.station_a1).headcount == 17
    # ... a row of another day, or of another renewal window, is not: counted live instead.
    StaffingSummary.objects.filter(pk=row.pk).update(computed_on=today - dt.timedelta(days=1))
    assert board_row(world.city_officer, world.station_a1).headcount == 1
    StaffingSummary.objects.filter(pk=row.pk).update(
        computed_on=today, window_end=today + dt.timedelta(days=1)
    )
    assert board_row(world.city_officer, world.station_a1).headcount == 1
    StaffingSummary.objects.all().delete()
    assert board_row(world.city_officer, world.station_a1).headcount == 1
    assert_board_agrees(world.city_officer)


def test_the_nightly_task_refreshes_every_station(people, world, today):
    StaffingSummary.objects.all().delete()
    tasks.refresh_person_summaries()
    station_ids = list(selectors.Station.objects.values_list("pk", flat=True))
    assert StaffingSummary.objects.filter(computed_on=today).count() == len(station_ids)
    assert_summary_fresh(*station_ids, today=today)


def test_summary_and_live_agree_on_varied_staff_in_every_scope(people, world, today):
    """Full- and part-time, heads and deputies, leavers this year and last, future starts,
    every certificate level and registration state, written in bulk and then refreshed."""
    stations = [world.station_a1, world.station_a2, world.station_b1]
    levels = [
        "",
        CertificateLevel.ASSISTANT,
        CertificateLevel.INTERMEDIATE,
        CertificateLevel.SENIOR,
    ]
    positions = [Position.HEAD, Position.DEPUTY_HEAD, Position.FRONTLINE, Position.SUPERVISOR]
    jobs = []
    for i in range(60):
        level = levels[i % 4]
        person = SocialWorker.objects.create(
            name=f"样本{i}",
            id_number_cipher="-",
            id_number_hash=f"sample-{i}",
            id_number_masked="440***********0000",
            sex="female",
            highest_level=level,
            registration_expires_on=today + dt.timedelta(days=(i * 13) % 200 - 60)
            if level
            else None,
            ce_hours=Decimal(i % 100),
            ce_required=72 if level else 0,
        )
        station = stations[i % 3]
        ends = [None, today - dt.timedelta(days=5), dt.date(today.year - 1, 6, 30), today][i % 4]
        starts = today + dt.timedelta(days=3) if i % 11 == 0 else dt.date(today.year - 2, 1, 1)
        if ends is not None and ends < starts:
            ends = None
        jobs.append(
            Employment(
                person=person,
                station=station,
                institution=world.institution_a
                if station != world.station_b1
                else world.institution_b,
                position=positions[i % 4],
                employment_type=EmploymentType.PART_TIME
                if i % 7 == 0
                else EmploymentType.FULL_TIME,
                starts_on=starts,
                ends_on=ends,
            )
        )
    # Written in bulk (as the roster import and the demo do) and the summary dropped: the
    # board counts every station live until the refresh, then reads the summary.
    Employment.objects.bulk_create(jobs)
    StaffingSummary.objects.all().delete()
    for user in (world.city_officer, world.district_a_officer, world.institution_a_admin):
        assert_board_agrees(user)
    services.station_staffing_refresh()
    assert_summary_fresh(*[s.pk for s in stations], today=today)
    for user in (world.city_officer, world.district_a_officer, world.institution_a_admin):
        rows = assert_board_agrees(user)
        visible = set(selectors.Station.objects.restrict(user, "view").values_list("pk", flat=True))
        assert {r.station_id for r in rows} == visible


def test_a_board_page_reads_its_rows_and_totals_in_one_query(
    people, world, django_assert_num_queries
):
    board = selectors.staffing(world.city_officer)
    with django_assert_num_queries(1):
        page = board.page(1, 2)
        assert len(page.object_list) == 2
        assert board.totals()["stations"] == page.paginator.count
    second = selectors.staffing(world.city_officer).page(2, 2)
    everything = selectors.staffing_board(world.city_officer)
    assert figures(second.object_list) == figures(everything[2:4])


def test_the_board_page_filters_by_district_and_pages(people, world, login):
    client = login(world.city_officer)
    response = client.get(reverse("talent:board") + f"?district={world.district_a.pk}&page=1")
    html = response.content.decode()
    assert response.status_code == 200
    assert world.station_a1.name in html and world.station_b1.name not in html
    assert 'id="board-district"' in html
