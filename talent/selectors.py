"""Reads of the talent app. Every function that serves a user takes the user and goes through
``restrict``; lists and the staffing board run a fixed number of queries at any scale."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone

from portal.scoping import VIEW
from portal.selectors import policy_in_force
from stations.choices import ManagementMode
from stations.models import Station
from stations.selectors import operators_on
from talent import rules
from talent.choices import CertificateLevel, EmploymentType, Position, ProgrammeKind
from talent.models import (
    CERecord,
    Employment,
    Enrolment,
    Honour,
    Registration,
    SocialWorker,
    TrainingProgramme,
)

EXPIRY_HORIZONS = (90, 30, 7)


def current_q(on: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}starts_on__lte": on}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": on})
    )


def worker_rows(user, on: date | None = None):
    """People ``user`` may see, with their latest post (station, institution, position).
    One query for a page: the post comes from correlated subqueries."""
    on = on or timezone.localdate()
    latest = Employment.objects.filter(person=OuterRef("pk")).order_by(
        F("ends_on").desc(nulls_first=True), "-starts_on"
    )
    return SocialWorker.objects.restrict(user, VIEW).annotate(
        post_station_id=Subquery(latest.values("station_id")[:1]),
        post_station=Subquery(latest.values("station__name")[:1]),
        post_institution=Subquery(latest.values("institution__name")[:1]),
        post_position=Subquery(latest.values("position")[:1]),
        post_type=Subquery(latest.values("employment_type")[:1]),
        post_ends_on=Subquery(latest.values("ends_on")[:1]),
    )


@dataclass
class PersonFile:
    person: SocialWorker
    employments: list
    certificates: list
    registrations: list
    ce_records: list
    enrolments: list
    honours: list
    ce_shortfall: Decimal
    renewal_opens: date | None


def person_file(*, user, person: SocialWorker, on: date | None = None) -> PersonFile:
    """Everything on a person's page, each part through ``restrict``."""
    on = on or timezone.localdate()
    employments = list(
        Employment.objects.restrict(user, VIEW)
        .filter(person=person)
        .select_related("station", "institution")
        .order_by("-starts_on")
    )
    registrations = list(
        Registration.objects.restrict(user, VIEW)
        .filter(person=person)
        .select_related("certificate")
        .order_by("-starts_on")
    )
    renewal_opens = None
    if person.registration_expires_on:
        months = policy_in_force(on).registration_renewal_window_months
        renewal_opens = rules.renewal_window(person.registration_expires_on, window_months=months)[
            0
        ]
    return PersonFile(
        person=person,
        employments=employments,
        certificates=list(person.certificates.restrict(user, VIEW).order_by("year_passed")),
        registrations=registrations,
        ce_records=list(
            CERecord.objects.restrict(user, VIEW).filter(person=person).order_by("-completed_on")
        ),
        enrolments=list(
            Enrolment.objects.restrict(user, VIEW)
            .filter(person=person)
            .select_related("programme")
            .order_by("-programme__year")
        ),
        honours=list(Honour.objects.restrict(user, VIEW).filter(person=person)),
        ce_shortfall=rules.ce_shortfall(person.ce_hours, person.ce_required),
        renewal_opens=renewal_opens,
    )


# --- staffing board -------------------------------------------------------------------------


@dataclass
class StationStaffing:
    """One station's staffing on a day, and how far it falls short."""

    station_id: int
    code: str
    name: str
    district: str
    subdistrict: str
    operator: str
    headcount: int = 0
    part_time: int = 0
    standard: int = 0
    certified: int = 0
    assistant: int = 0
    intermediate: int = 0
    senior: int = 0
    head_in_post: bool = False
    deputy_in_post: bool = False
    leavers: int = 0
    headcount_year_start: int = 0
    lapsed: int = 0
    expiring: dict[int, int] = field(default_factory=dict)
    ce_shortfalls: int = 0
    min_certified_percent: Decimal = Decimal("0")

    @property
    def vacancies(self) -> int:
        return rules.vacancies(self.headcount, self.standard)

    @property
    def certified_percent(self) -> Decimal | None:
        if not self.headcount:
            return None
        return (Decimal(self.certified) * 100 / self.headcount).quantize(Decimal("0.1"))

    @property
    def certificate_share_met(self) -> bool:
        return self.headcount > 0 and rules.certificate_share_met(
            self.certified, self.headcount, self.min_certified_percent
        )

    @property
    def turnover_percent(self) -> Decimal | None:
        return rules.turnover_percent(self.leavers, self.headcount_year_start, self.headcount)

    @property
    def expiring_90(self) -> int:
        return self.expiring.get(90, 0)

    @property
    def expiring_30(self) -> int:
        return self.expiring.get(30, 0)

    @property
    def expiring_7(self) -> int:
        return self.expiring.get(7, 0)

    @cached_property
    def problems(self) -> list[str]:
        found = []
        if self.vacancies:
            found.append("below_standard")
        if not self.certificate_share_met:
            found.append("certificate_share")
        if not self.head_in_post:
            found.append("no_head")
        if not self.deputy_in_post:
            found.append("no_deputy")
        if self.lapsed:
            found.append("lapsed")
        if self.expiring_30:
            found.append("expiring")
        if self.ce_shortfalls:
            found.append("ce_shortfall")
        return found

    @cached_property
    def sort_key(self):
        # Worst first: most problems, then most vacancies, then the lowest certificate share.
        share = self.certified_percent if self.certified_percent is not None else Decimal(-1)
        return (-len(self.problems), -self.vacancies, share, self.code)


def board_stations(user, on: date):
    return Station.objects.restrict(user, VIEW)


def staffing_board(
    user, *, on: date | None = None, district_id: int | None = None, stations=None
) -> list[StationStaffing]:
    """Every station ``user`` may see with its staffing figures, worst first.

    Three queries at any scale: the policy, the stations, and one aggregate over the
    employments that overlap this year, grouped by station. ``fill_operators`` names the
    operators of the rows a page shows (one more query). Per-person
    figures (highest certificate, current registration, CE hours) are read from the person
    row the services keep up to date.
    """
    on = on or timezone.localdate()
    policy = policy_in_force(on)
    stations = stations if stations is not None else board_stations(user, on)
    if district_id:
        stations = stations.filter(district_id=district_id)
    station_rows = list(
        stations.order_by().values(
            "pk",
            "code",
            "name",
            "district__name",
            "subdistrict__name",
            "management_mode",
            "head_name",
        )
    )
    year_start = date(on.year, 1, 1)
    window_end = rules.add_months(on, policy.registration_renewal_window_months)
    full = Q(employment_type=EmploymentType.FULL_TIME)
    now = current_q(on)
    certified = Q(person__highest_level__gt="")
    registered_now = Q(person__registration_expires_on__gte=on)
    aggregates = {
        "headcount": Count("pk", filter=full & now),
        "part_time": Count("pk", filter=~full & now),
        "certified": Count("pk", filter=full & now & certified),
        "assistant": Count(
            "pk", filter=full & now & Q(person__highest_level=CertificateLevel.ASSISTANT)
        ),
        "intermediate": Count(
            "pk", filter=full & now & Q(person__highest_level=CertificateLevel.INTERMEDIATE)
        ),
        "senior": Count("pk", filter=full & now & Q(person__highest_level=CertificateLevel.SENIOR)),
        "heads": Count("pk", filter=now & Q(position=Position.HEAD)),
        "deputies": Count("pk", filter=now & Q(position=Position.DEPUTY_HEAD)),
        "year_start": Count("pk", filter=full & current_q(year_start)),
        "leavers": Count("pk", filter=full & Q(ends_on__gte=year_start, ends_on__lt=on)),
        "lapsed": Count(
            "pk", filter=full & now & certified & Q(person__registration_expires_on__lt=on)
        ),
        "ce_short": Count(
            "pk",
            filter=full
            & now
            & registered_now
            & Q(
                person__registration_expires_on__lte=window_end,
                person__ce_hours__lt=F("person__ce_required"),
            ),
        ),
    }
    for days in EXPIRY_HORIZONS:
        aggregates[f"expiring_{days}"] = Count(
            "pk",
            filter=full
            & now
            & Q(
                person__registration_expires_on__gte=on,
                person__registration_expires_on__lte=on + timedelta(days=days),
            ),
        )
    figures = {
        row["station_id"]: row
        for row in Employment.objects.filter(station__in=stations.values("pk"))
        .filter(starts_on__lte=on)
        .exclude(ends_on__lt=year_start)
        .order_by()
        .values("station_id")
        .annotate(**aggregates)
    }
    board = []
    for s in station_rows:
        f = figures.get(s["pk"], {})
        pilot_head = s["management_mode"] == ManagementMode.PILOT_2019 and bool(s["head_name"])
        board.append(
            StationStaffing(
                station_id=s["pk"],
                code=s["code"],
                name=s["name"],
                district=s["district__name"],
                subdistrict=s["subdistrict__name"],
                operator="",
                headcount=f.get("headcount", 0),
                part_time=f.get("part_time", 0),
                standard=policy.staff_per_station,
                certified=f.get("certified", 0),
                assistant=f.get("assistant", 0),
                intermediate=f.get("intermediate", 0),
                senior=f.get("senior", 0),
                # Pilot stations (2019): the town's social-affairs director heads the station.
                head_in_post=bool(f.get("heads")) or pilot_head,
                deputy_in_post=bool(f.get("deputies")),
                leavers=f.get("leavers", 0),
                headcount_year_start=f.get("year_start", 0),
                lapsed=f.get("lapsed", 0),
                expiring={d: f.get(f"expiring_{d}", 0) for d in EXPIRY_HORIZONS},
                ce_shortfalls=f.get("ce_short", 0),
                min_certified_percent=policy.certificate_holder_min_percent,
            )
        )
    board.sort(key=lambda row: row.sort_key)
    return board


def fill_operators(rows: list[StationStaffing], *, on: date | None = None) -> None:
    """Name today's operator on the rows shown (one query), not on the whole board."""
    operators = operators_on(
        station_ids=[r.station_id for r in rows], on=on or timezone.localdate()
    )
    for r in rows:
        institution = operators.get(r.station_id)
        r.operator = institution.name if institution else ""


def board_totals(board: list[StationStaffing]) -> dict:
    return {
        "stations": len(board),
        "below_standard": sum(1 for r in board if r.vacancies),
        "headcount": sum(r.headcount for r in board),
        "vacancies": sum(r.vacancies for r in board),
        "certified": sum(r.certified for r in board),
        "expiring_30": sum(r.expiring_30 for r in board),
        "lapsed": sum(r.lapsed for r in board),
        "ce_shortfalls": sum(r.ce_shortfalls for r in board),
    }


# --- city figures -----------------------------------------------------------------------------


def district_level_figures(user, *, on: date | None = None) -> list[dict]:
    """Per district: people in post full-time by highest certificate level (one query)."""
    on = on or timezone.localdate()
    stations = Station.objects.restrict(user, VIEW)
    rows = (
        Employment.objects.filter(
            current_q(on),
            station__in=stations.values("pk"),
            employment_type=EmploymentType.FULL_TIME,
        )
        .order_by()
        .values("station__district__code", "station__district__name")
        .annotate(
            total=Count("pk"),
            assistant=Count("pk", filter=Q(person__highest_level=CertificateLevel.ASSISTANT)),
            intermediate=Count("pk", filter=Q(person__highest_level=CertificateLevel.INTERMEDIATE)),
            senior=Count("pk", filter=Q(person__highest_level=CertificateLevel.SENIOR)),
        )
        .order_by("station__district__code")
    )
    result = []
    for r in rows:
        certified = r["assistant"] + r["intermediate"] + r["senior"]
        result.append(
            {
                "code": r["station__district__code"],
                "district": r["station__district__name"],
                "total": r["total"],
                "certified": certified,
                "uncertified": r["total"] - certified,
                "assistant": r["assistant"],
                "intermediate": r["intermediate"],
                "senior": r["senior"],
            }
        )
    return result


def honour_figures(user) -> list[dict]:
    """Honours by level and kind over the people ``user`` may see (one query)."""
    return list(
        Honour.objects.restrict(user, VIEW)
        .order_by()
        .values("level", "kind")
        .annotate(count=Count("pk"))
        .order_by("level", "kind")
    )


def programme_rows(user, *, year: int | None = None):
    """Programmes with enrolment, completion and (pre-exam) pass figures; one query."""
    enrolments = Enrolment.objects.restrict(user, VIEW)
    qs = TrainingProgramme.objects.restrict(user, VIEW)
    if year:
        qs = qs.filter(year=year)
    visible = Q(enrolments__in=enrolments.values("pk"))
    return qs.annotate(
        enrolled=Count("enrolments", filter=visible, distinct=True),
        completed=Count(
            "enrolments", filter=visible & Q(enrolments__status="completed"), distinct=True
        ),
        sat_exam=Count(
            "enrolments", filter=visible & Q(enrolments__exam_passed__isnull=False), distinct=True
        ),
        passed_exam=Count(
            "enrolments", filter=visible & Q(enrolments__exam_passed=True), distinct=True
        ),
        session_count=Count("sessions", distinct=True),
    )


def pass_rate(passed: int, sat: int) -> Decimal | None:
    if not sat:
        return None
    return (Decimal(passed) * 100 / sat).quantize(Decimal("0.1"))


def pre_exam_pass_rate(user, *, year: int) -> Decimal | None:
    agg = (
        Enrolment.objects.restrict(user, VIEW)
        .filter(
            programme__year=year,
            programme__kind=ProgrammeKind.PRE_EXAM,
            exam_passed__isnull=False,
        )
        .aggregate(sat=Count("pk"), passed=Count("pk", filter=Q(exam_passed=True)))
    )
    return pass_rate(agg["passed"], agg["sat"])


def station_staff(user, *, station: Station, on: date | None = None):
    """The people in post at a station today (the station page's staff tab)."""
    on = on or timezone.localdate()
    return (
        Employment.objects.restrict(user, VIEW)
        .filter(current_q(on), station=station)
        .select_related("person")
        .order_by("position", "person__name")
    )
