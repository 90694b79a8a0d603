"""Periodic warnings of the talent app (called by ``talent.tasks``): registrations about to
lapse, continuing-education hours short before renewal, and districts with stations below the
staffing standard. Each message carries a ``dedupe_key``, so a repeated or missed run posts
nothing twice. Messages name people, never their ID numbers."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from portal import clock
from portal import rules as deadlines
from portal.choices import DeadlineKind, Role
from portal.models import User
from portal.scoping import SYSTEM
from portal.selectors import ladder_in_force, policy_in_force, users_responsible_for
from portal.services.notifications import notification_post
from stations.models import Station
from talent import rules
from talent.models import Employment
from talent.selectors import current_q, staffing_board

EXPIRY_TITLE = "社工%(name)s的登记将于%(on)s到期（%(days)s天内）"
EXPIRY_BODY = "%(station)s的社工%(name)s登记有效期至%(on)s，请在期满前3个月内办理续期。"
CE_TITLE = "社工%(name)s继续教育学时不足"
CE_BODY = (
    "社工%(name)s本登记期已完成继续教育%(hours)s学时，应完成%(required)s学时，"
    "登记将于%(on)s到期，续期前须补足。"
)
UNDERSTAFFED_TITLE = "%(district)s有%(n)s个社工站社工人数低于标准"
UNDERSTAFFED_BODY = "以下社工站在岗全职社工少于%(standard)s人：%(list)s"


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _station_side(on: date, station_ids) -> dict[int, list[User]]:
    """Station id -> its managers and the admins of the institution running it on ``on``
    (``portal.selectors.users_responsible_for``: current roles of active users only)."""
    return users_responsible_for(station_ids, [Role.STATION_MANAGER, Role.INSTITUTION_ADMIN], on)


def registration_expiry_warnings_send(*, today: date | None = None) -> int:
    """Warn the institution and station of people whose registration lapses soon: once at
    each horizon of the ``DeadlineKind.TALENT_RENEWAL`` ladder in force (seeded 90, 30 and
    7 days before; ``portal.rules.remind_horizon``)."""
    today = today or clock.today()
    ladder = ladder_in_force(DeadlineKind.TALENT_RENEWAL, today).as_rule()
    if not ladder.remind_before:
        return 0
    horizon = today + timedelta(days=max(ladder.remind_before))
    posts = list(
        Employment.objects.filter(
            current_q(today),
            person__registration_expires_on__gte=today,
            person__registration_expires_on__lte=horizon,
        ).values(
            "person_id",
            "person__name",
            "person__registration_expires_on",
            "station_id",
            "station__name",
            "institution_id",
        )
    )
    recipients = _station_side(today, {p["station_id"] for p in posts})
    sent = 0
    for p in posts:
        expires = p["person__registration_expires_on"]
        bucket = deadlines.remind_horizon(today, expires, ladder)
        users = recipients[p["station_id"]]
        values = {
            "name": p["person__name"],
            "on": expires.isoformat(),
            "days": bucket,
            "station": p["station__name"],
        }
        sent += len(
            notification_post(
                recipients=users,
                title=_(EXPIRY_TITLE) % values,
                body=_(EXPIRY_BODY) % values,
                url=_url("talent:worker_detail", p["person_id"]),
                kind="talent.registration",
                dedupe_key=f"talent:reg-expiry:{p['person_id']}:{expires.isoformat()}:{bucket}",
            )
        )
    return sent


def ce_shortfall_warnings_send(*, today: date | None = None) -> int:
    """Warn of people in their renewal window whose CE hours fall short of the policy."""
    today = today or clock.today()
    months = policy_in_force(today).registration_renewal_window_months
    window_end = rules.add_months(today, months)
    posts = list(
        Employment.objects.filter(
            current_q(today),
            person__registration_expires_on__gte=today,
            person__registration_expires_on__lte=window_end,
            person__ce_hours__lt=F("person__ce_required"),
        ).values(
            "person_id",
            "person__name",
            "person__registration_expires_on",
            "person__ce_hours",
            "person__ce_required",
            "station_id",
            "institution_id",
        )
    )
    recipients = _station_side(today, {p["station_id"] for p in posts})
    sent = 0
    for p in posts:
        expires = p["person__registration_expires_on"]
        users = recipients[p["station_id"]]
        values = {
            "name": p["person__name"],
            "hours": p["person__ce_hours"],
            "required": p["person__ce_required"],
            "on": expires.isoformat(),
        }
        sent += len(
            notification_post(
                recipients=users,
                title=_(CE_TITLE) % values,
                body=_(CE_BODY) % values,
                url=_url("talent:worker_detail", p["person_id"]),
                kind="talent.ce",
                dedupe_key=f"talent:ce-short:{p['person_id']}:{expires.isoformat()}",
            )
        )
    return sent


def understaffed_warnings_send(*, today: date | None = None) -> int:
    """Tell each district's officers, once a month, which of its stations are below standard."""
    today = today or clock.today()
    board = staffing_board(SYSTEM, on=today, stations=Station.objects.all())
    by_district: dict[str, list] = defaultdict(list)
    for row in board:
        if row.vacancies:
            by_district[row.district].append(row)
    if not by_district:
        return 0
    district_ids = dict(
        Station.objects.filter(
            pk__in=[r.station_id for rows in by_district.values() for r in rows]
        ).values_list("pk", "district_id")
    )
    officers = users_responsible_for(district_ids, [Role.DISTRICT_OFFICER], today)
    sent = 0
    for district, rows in by_district.items():
        district_id = district_ids[rows[0].station_id]
        users = list({u.pk: u for r in rows for u in officers[r.station_id]}.values())
        listing = "、".join(f"{r.name}（{r.headcount}人）" for r in rows[:50])
        if len(rows) > 50:
            listing += _("等")
        sent += len(
            notification_post(
                recipients=users,
                title=_(UNDERSTAFFED_TITLE) % {"district": district, "n": len(rows)},
                body=_(UNDERSTAFFED_BODY) % {"standard": rows[0].standard, "list": listing},
                url=_url("talent:board"),
                kind="talent.staffing",
                dedupe_key=f"talent:understaffed:{district_id}:{today:%Y-%m}",
            )
        )
    return sent
