"""Reads of the talent app. Every function that serves a user takes the user and goes through
``restrict``; lists and the staffing board run a fixed number of queries at any scale."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum

from portal import clock
from portal.scoping import VIEW
from portal.selectors import PolicyMissing, policy_in_force
from stations.choices import ManagementMode
from stations.models import District, Station, Subdistrict
from stations.selectors import operators_on
from talent import rules
from talent.choices import CertificateLevel, EmploymentType, Position, ProgrammeKind
from talent.models import (
    STAFFING_FIGURES,
    CERecord,
    Certificate,
    Employment,
    Enrolment,
    Honour,
    Registration,
    SocialWorker,
    StaffingSummary,
    TrainingProgramme,
)

# Board columns of registrations expiring within so many days, beside the renewal window
# (``expiring_window``: the policy's registration_renewal_window_months).
EXPIRY_HORIZONS = (30, 7)
# Rows of the staffing board on a page.
BOARD_PAGE = 50
TOTAL_KEYS = (
    "stations",
    "below_standard",
    "headcount",
    "vacancies",
    "certified",
    "expiring_30",
    "lapsed",
    "ce_shortfalls",
)

# Far beyond any real board (40,000 stations at nation scale are 200 pages of 200).
MAX_PAGE = 100_000


def current_q(on: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}starts_on__lte": on}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": on})
    )


def worker_rows(user, on: date | None = None):
    """People ``user`` may see, with their latest post within the user's scope (station,
    institution, position). One query for a page: the post comes from correlated subqueries.

    A person's posts elsewhere stay out of it: a station manager sees a former employee with
    the post that ended at their station, never where that person works now."""
    on = on or clock.today()
    latest = (
        Employment.objects.restrict(user, VIEW)
        .filter(person=OuterRef("pk"))
        .order_by(F("ends_on").desc(nulls_first=True), "-starts_on")
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
    on = on or clock.today()
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
        certificates=list(
            Certificate.objects.restrict(user, VIEW).filter(person=person).order_by("year_passed")
        ),
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
    expiring_window: int = 0
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
    def share_key(self) -> float:
        """The certificate share for ordering: exact (a correctly rounded float of
        certified * 100 / headcount, the same value the board's SQL computes), -1 without
        staff."""
        return self.certified * 100 / self.headcount if self.headcount else -1.0

    @cached_property
    def sort_key(self):
        # Worst first: most problems, then most vacancies, then the lowest certificate share.
        return (-len(self.problems), -self.vacancies, self.share_key, self.code)


def board_stations(user, on: date):
    return Station.objects.restrict(user, VIEW)


def staffing_window_end(on: date, policy) -> date:
    """Registrations expiring by this day count towards continuing-education shortfalls."""
    return rules.add_months(on, policy.registration_renewal_window_months)


def staffing_aggregates(on: date, window_end: date) -> dict:
    """The counts of one station's employments that overlap ``on``'s year, by name (the
    columns of ``StaffingSummary``), for ``Employment.values("station_id").annotate()``."""
    year_start = date(on.year, 1, 1)
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
    aggregates["expiring_window"] = Count(
        "pk",
        filter=full
        & now
        & Q(
            person__registration_expires_on__gte=on,
            person__registration_expires_on__lte=window_end,
        ),
    )
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
    return {name: aggregates[name] for name in STAFFING_FIGURES}


def live_staffing(stations, *, on: date, window_end: date):
    """``station_id`` and the ``STAFFING_FIGURES`` of ``stations`` (a queryset of stations),
    counted from the employments: one row per station with an employment this year."""
    return (
        Employment.objects.filter(station__in=stations.values("pk"))
        .filter(starts_on__lte=on)
        .exclude(ends_on__lt=date(on.year, 1, 1))
        .order_by()
        .values("station_id")
        .annotate(**staffing_aggregates(on, window_end))
    )


def _sql(queryset) -> tuple[str, tuple]:
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return sql, tuple(params)


class StaffingBoard:
    """The staffing board of every station in ``stations`` on a day, worst first.

    Reads the per-station counts from ``StaffingSummary`` where a row was computed for this
    day and renewal window, and counts any other station live from the employments, in the
    same SQL statement: the figures are those of ``live_staffing`` either way. The order
    (problems, vacancies, certificate share, code) and the totals are worked out in SQL, so a
    page reads only its own rows: ``totals()`` is one query, each slice one query, at any
    scale. ``len()``/``count()`` come from the totals; iterating reads every row (exports).
    ``live=True`` ignores the summary (the reference the tests compare it with).
    """

    def __init__(self, stations, *, on: date, policy, live: bool = False):
        self.stations = stations
        self.on = on
        self.policy = policy
        self.live = live
        self.window_end = staffing_window_end(on, policy)
        self._totals: dict[str, int] | None = None
        self._pages: dict[tuple[int, int], list[StationStaffing]] = {}

    # --- SQL ---------------------------------------------------------------------------

    def _base_sql(self) -> tuple[str, tuple]:
        """Every station in scope with its figures (COALESCEd), and its problem count,
        vacancies and share as ordering columns."""
        stations = self.stations.order_by().values(
            sid=F("pk"),
            scode=F("code"),
            sname=F("name"),
            sdistrict_id=F("district_id"),
            ssubdistrict_id=F("subdistrict_id"),
            smode=F("management_mode"),
            shead=F("head_name"),
        )
        if self.live:
            figures = live_staffing(self.stations, on=self.on, window_end=self.window_end)
        else:
            # Not narrowed to the scope here: the LEFT JOIN from the stations in scope is.
            fresh = StaffingSummary.objects.filter(computed_on=self.on, window_end=self.window_end)
            stale = self.stations.filter(
                ~Exists(fresh.filter(station_id=OuterRef("pk")).values("pk"))
            )
            figures = (
                fresh.order_by()
                .values_list("station_id", *STAFFING_FIGURES)
                .union(live_staffing(stale, on=self.on, window_end=self.window_end), all=True)
            )
        stations_sql, stations_params = _sql(stations)
        figures_sql, figures_params = _sql(figures)
        standard = int(self.policy.staff_per_station)
        percent = Decimal(self.policy.certificate_holder_min_percent)
        exponent = percent.as_tuple().exponent
        if not isinstance(exponent, int):  # NaN or infinity: not a percentage
            raise ValueError(f"certificate_holder_min_percent is not a number: {percent}")
        scale = 10 ** max(0, -exponent)
        percent_scaled = int(percent * scale)
        columns = ", ".join(f"COALESCE(f.{name}, 0) AS {name}" for name in STAFFING_FIGURES)
        real = "double precision" if connection.vendor == "postgresql" else "REAL"
        sql = f"""
            SELECT b.*,
              (CASE WHEN b.headcount < %s THEN 1 ELSE 0 END
               + CASE WHEN b.headcount > 0 AND b.certified * {100 * scale} >= b.headcount * %s
                 THEN 0 ELSE 1 END
               + CASE WHEN b.heads > 0 OR (b.smode = %s AND b.shead <> '') THEN 0 ELSE 1 END
               + CASE WHEN b.deputies > 0 THEN 0 ELSE 1 END
               + CASE WHEN b.lapsed > 0 THEN 1 ELSE 0 END
               + CASE WHEN b.expiring_30 > 0 THEN 1 ELSE 0 END
               + CASE WHEN b.ce_short > 0 THEN 1 ELSE 0 END) AS problems,
              CASE WHEN b.headcount < %s THEN %s - b.headcount ELSE 0 END AS vacancies,
              CASE WHEN b.headcount > 0 THEN CAST(b.certified AS {real}) * 100 / b.headcount
                ELSE -1 END AS share
            FROM (SELECT s.*, {columns} FROM ({stations_sql}) s
                  LEFT JOIN ({figures_sql}) f ON f.station_id = s.sid) b
        """  # noqa: S608 - compiled querysets and names from this module; values are parameters
        params = (
            standard,
            percent_scaled,
            str(ManagementMode.PILOT_2019),
            standard,
            standard,
            *stations_params,
            *figures_params,
        )
        return sql, params

    def _fetch(self, sql: str, params) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    # --- reading ---------------------------------------------------------------------------

    def totals(self) -> dict:
        if self._totals is None:
            base, params = self._base_sql()
            sql = f"""
                SELECT COUNT(*),
                  COALESCE(SUM(CASE WHEN t.vacancies > 0 THEN 1 ELSE 0 END), 0),
                  COALESCE(SUM(t.headcount), 0), COALESCE(SUM(t.vacancies), 0),
                  COALESCE(SUM(t.certified), 0), COALESCE(SUM(t.expiring_30), 0),
                  COALESCE(SUM(t.lapsed), 0), COALESCE(SUM(t.ce_short), 0)
                FROM ({base}) t
            """  # noqa: S608 - the SQL of _base_sql; values are parameters
            (row,) = self._fetch(sql, params)
            self._totals = {k: int(v) for k, v in zip(TOTAL_KEYS, row, strict=True)}
        return self._totals

    def count(self) -> int:
        return self.totals()["stations"]

    def __len__(self) -> int:
        return self.count()

    def rows(self, offset: int = 0, limit: int | None = None) -> list[StationStaffing]:
        """Rows worst first (all, or ``limit`` from ``offset``), in one query. A page's query
        also carries the totals (window aggregates over every station in scope), so a page
        costs one query, ``totals()`` included, when its rows are read first (``page``)."""
        if limit is not None and (offset, limit) in self._pages:
            return self._pages[(offset, limit)]
        base, params = self._base_sql()
        code = 'o.scode COLLATE "C"' if connection.vendor == "postgresql" else "o.scode"
        order = f"o.problems DESC, o.vacancies DESC, o.share, {code}"
        windows = ""
        if limit is not None:
            windows = (
                ", COUNT(*) OVER () AS t_stations,"
                " SUM(CASE WHEN o.vacancies > 0 THEN 1 ELSE 0 END) OVER () AS t_below,"
                " SUM(o.headcount) OVER () AS t_headcount, SUM(o.vacancies) OVER () AS t_vac,"
                " SUM(o.certified) OVER () AS t_certified,"
                " SUM(o.expiring_30) OVER () AS t_exp30, SUM(o.lapsed) OVER () AS t_lapsed,"
                " SUM(o.ce_short) OVER () AS t_ce"
            )
        inner = f"SELECT o.*{windows} FROM ({base}) o ORDER BY {order}"  # noqa: S608 - see _base_sql
        if limit is not None:
            inner += " LIMIT %s OFFSET %s"
            params = (*params, int(limit), int(offset))
        elif offset:
            raise ValueError("an offset needs a limit")
        # District and subdistrict names for the rows read only (after the LIMIT).
        sql = f"""
            SELECT o.*, d.name, sd.name FROM ({inner}) o
            INNER JOIN {District._meta.db_table} d ON d.id = o.sdistrict_id
            INNER JOIN {Subdistrict._meta.db_table} sd ON sd.id = o.ssubdistrict_id
            ORDER BY {order}
        """  # noqa: S608 - the SQL of _base_sql and table names; values are parameters
        fetched = self._fetch(sql, params)
        width = 7 + len(STAFFING_FIGURES) + 3
        if limit is not None and fetched and self._totals is None:
            self._totals = {
                k: int(v or 0)
                for k, v in zip(
                    TOTAL_KEYS, fetched[0][width : width + len(TOTAL_KEYS)], strict=True
                )
            }
        rows = [self._row(r[: 7 + len(STAFFING_FIGURES)], r[-2], r[-1]) for r in fetched]
        if limit is not None:
            self._pages[(offset, limit)] = rows
        return rows

    def page(self, number, per_page: int = BOARD_PAGE) -> Page:
        """The page ``number`` (clamped as ``Paginator.get_page`` does): its rows and the
        totals in one query (two when ``number`` lies beyond the last page)."""
        try:
            # Past the last page is the last page; a huge number must not reach OFFSET.
            number = min(max(1, int(number)), MAX_PAGE)
        except (TypeError, ValueError):
            number = 1
        self.rows((number - 1) * per_page, per_page)
        return Paginator(self, per_page).get_page(number)

    def __getitem__(self, key):
        if isinstance(key, slice):
            if key.step not in (None, 1):
                raise ValueError("no step")
            start = key.start or 0
            if key.stop is None:
                return self.rows()[start:]
            return self.rows(start, max(0, key.stop - start))
        rows = self.rows(key, 1)
        if not rows:
            raise IndexError(key)
        return rows[0]

    def __iter__(self):
        return iter(self.rows())

    def _row(self, r, district: str, subdistrict: str) -> StationStaffing:
        sid, code, name, _district_id, _subdistrict_id, mode, head, *counts = r
        f = dict(zip(STAFFING_FIGURES, (int(c) for c in counts), strict=True))
        # Pilot stations (2019): the town's social-affairs director heads the station.
        pilot_head = mode == ManagementMode.PILOT_2019 and bool(head)
        return StationStaffing(
            station_id=sid,
            code=code,
            name=name,
            district=district,
            subdistrict=subdistrict,
            operator="",
            headcount=f["headcount"],
            part_time=f["part_time"],
            standard=self.policy.staff_per_station,
            certified=f["certified"],
            assistant=f["assistant"],
            intermediate=f["intermediate"],
            senior=f["senior"],
            head_in_post=bool(f["heads"]) or pilot_head,
            deputy_in_post=bool(f["deputies"]),
            leavers=f["leavers"],
            headcount_year_start=f["year_start"],
            lapsed=f["lapsed"],
            expiring={d: f[f"expiring_{d}"] for d in EXPIRY_HORIZONS},
            expiring_window=f["expiring_window"],
            ce_shortfalls=f["ce_short"],
            min_certified_percent=self.policy.certificate_holder_min_percent,
        )


def staffing(
    user,
    *,
    on: date | None = None,
    district_id: int | None = None,
    stations=None,
    live: bool = False,
) -> StaffingBoard:
    """The board ``user`` sees (``stations``: a queryset already restricted for them)."""
    on = on or clock.today()
    policy = policy_in_force(on)
    stations = stations if stations is not None else board_stations(user, on)
    if district_id:
        stations = stations.filter(district_id=district_id)
    return StaffingBoard(stations, on=on, policy=policy, live=live)


def staffing_board(
    user,
    *,
    on: date | None = None,
    district_id: int | None = None,
    stations=None,
    live: bool = False,
) -> list[StationStaffing]:
    """Every station ``user`` may see with its staffing figures, worst first (all rows: for
    exports, a station's tab and the warnings; pages use ``staffing`` and read a page).
    Two queries: the policy and the rows."""
    return staffing(user, on=on, district_id=district_id, stations=stations, live=live).rows()


def fill_operators(rows: list[StationStaffing], *, on: date | None = None) -> None:
    """Name today's operator on the rows shown (one query), not on the whole board."""
    operators = operators_on(station_ids=[r.station_id for r in rows], on=on or clock.today())
    for r in rows:
        institution = operators.get(r.station_id)
        r.operator = institution.name if institution else ""


def board_totals(board: list[StationStaffing]) -> dict:
    """Totals of a list of rows (``StaffingBoard.totals()`` gives the same in SQL)."""
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
    on = on or clock.today()
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


@dataclass(frozen=True)
class ProgrammeBudget:
    year: int
    total: Decimal
    limit: Decimal | None

    @property
    def remaining(self) -> Decimal | None:
        return None if self.limit is None else self.limit - self.total


def programme_budget(user, *, year: int) -> ProgrammeBudget:
    """The year's programme budgets against the policy's talent-training budget (reply
    letter: 3,000,000 yuan a year citywide); two queries."""
    total = TrainingProgramme.objects.restrict(user, VIEW).filter(year=year).aggregate(
        total=Sum("budget")
    )["total"] or Decimal("0.00")
    try:
        limit = policy_in_force(date(year, 1, 1)).talent_training_budget
    except PolicyMissing:
        limit = None
    return ProgrammeBudget(year=year, total=total, limit=limit)


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
    on = on or clock.today()
    return (
        Employment.objects.restrict(user, VIEW)
        .filter(current_q(on), station=station)
        .select_related("person")
        .order_by("position", "person__name")
    )


# --- people to choose from (enrolment form and its search box) -----------------------------

PERSON_SUGGESTIONS = 20
PERSON_QUERY_MAX = 40
# The unmasked end of an ID number: three digits and a digit or the check character X.
_LAST_FOUR = re.compile(r"^\d{3}[\dXx]$")


def people_in_post(user, *, on: date | None = None):
    """People in the user's view scope holding a post today (a job in scope), by name."""
    on = on or clock.today()
    in_post = (
        Employment.objects.restrict(user, VIEW)
        .filter(starts_on__lte=on)
        .exclude(ends_on__lt=on)
        .values("person_id")
    )
    return SocialWorker.objects.restrict(user, VIEW).filter(pk__in=in_post).order_by("name", "pk")


def person_suggestions(user, q: str, *, on: date | None = None) -> list[dict]:
    """A few people in post matching ``q`` for the search box: by name or by the last four
    characters of the ID number (the masked number shows them). Not by the whole number: the
    box asks by GET, and a full number never goes into a URL (the lookup form posts it).
    Each row says name and masked number only."""
    rows = people_in_post(user, on=on)
    q = q.strip()[:PERSON_QUERY_MAX]
    if q:
        match = Q(name__icontains=q)
        if _LAST_FOUR.match(q):
            match |= Q(id_number_masked__endswith=q.upper())
        rows = rows.filter(match)
    return [
        {"id": p.pk, "text": person_label(p)}
        for p in rows.only("pk", "name", "id_number_masked")[:PERSON_SUGGESTIONS]
    ]


def person_label(person: SocialWorker) -> str:
    # Names repeat (丁伟, 丁伟): the masked number tells two people apart.
    return f"{person.name}（{person.id_number_masked}）"
