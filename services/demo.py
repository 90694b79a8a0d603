"""Demo data for the services app, anchored to the day the demo is loaded.

For every station with a comprehensive contract in the last ``DEMO_YEARS`` service years: a
register of service users (about one in six sensitive: minors, disability, drug rehabilitation
or community correction; consent recorded), service records every month up to today, the
monthly aggregates, monthly reports (approved up to two months ago, last month's submitted or
still open, a few late), and the contract year's targets (with a handful of stations running
behind). Written with bulk_create (stations/demo/__init__.py).

Volume: ``RECORDS_PER_STATION_MONTH`` records a station a month keeps SQLite quick; the head
counts of community activities are sized so that the city reaches about 3.6 million
person-times a year (reply letter: "over 3.6M person-times a year citywide"). The full record
volume of the city (a few hundred thousand records a year) only at an explicit scale, e.g.
``SERVICES_DEMO_RECORDS=120``.
"""

from __future__ import annotations

import calendar
import os
from datetime import date, timedelta
from decimal import Decimal

from stations.demo import DemoContext, register_demo_step

DEMO_YEARS = 2
RECORDS_PER_STATION_MONTH = int(os.environ.get("SERVICES_DEMO_RECORDS", "10"))
PEOPLE_PER_STATION = 24
BATCH = 5000
SURNAMES = "陈李黄张梁林刘吴罗何郑杨谢郭冯邓曾麦卢周"
GIVEN = [
    "桂芳",
    "志强",
    "秀英",
    "伟明",
    "美玲",
    "国华",
    "丽华",
    "建平",
    "小明",
    "嘉怡",
    "子轩",
    "雅婷",
]
# kind, weight, hours, person-times range
KIND_MIX = [
    ("case", 30, (Decimal("1.00"), Decimal("2.00")), (1, 1)),
    ("group", 20, (Decimal("1.50"), Decimal("2.00")), (6, 12)),
    ("activity", 25, (Decimal("2.00"), Decimal("3.00")), (900, 2400)),
    ("home_visit", 20, (Decimal("1.00"), Decimal("1.50")), (1, 2)),
    ("referral", 5, (Decimal("0.50"), Decimal("1.00")), (1, 3)),
]
TITLES = {
    "case": "个案跟进",
    "group": "互助小组",
    "activity": "社区活动",
    "home_visit": "入户探访",
    "referral": "咨询转介",
}


def _months(today: date, years: int):
    """(year, month) from January ``years - 1`` years ago through this month."""
    for y in range(today.year - years + 1, today.year + 1):
        for m in range(1, 13):
            if (y, m) <= (today.year, today.month):
                yield y, m


def services_demo(ctx: DemoContext) -> None:
    from portal import crypto, idnumbers
    from services import rules
    from services.choices import ReportStatus
    from services.models import (
        Attendance,
        CatalogueVersion,
        MonthlyReport,
        ServicePolicy,
        ServiceRecord,
        ServiceTarget,
        ServiceUser,
    )
    from services.services.aggregates import aggregates_refresh_month
    from services.services.reports import month_figures
    from stations.models import Community, Contract

    rng = ctx.rng("services")
    today = ctx.today
    version = (
        CatalogueVersion.objects.filter(effective_from__lte=date(today.year - DEMO_YEARS + 1, 1, 1))
        .order_by("-effective_from")
        .first()
    )
    if version is None:
        return
    kinds = {k.kind: k for k in version.kinds.all()}
    fields = list(version.fields.all())
    groups = list(version.target_groups.all())
    basic_groups = [
        g for g in groups if g.basic_guarantee and not g.sensitive and g.parent_id is None
    ]
    general = next(g for g in groups if g.code == "general")
    sensitive_groups = [g for g in groups if g.sensitive]
    policy = ServicePolicy.objects.order_by("effective_from").first()
    stations = ctx.data["stations"]
    contracts = list(
        Contract.objects.binding()
        .filter(
            is_comprehensive=True,
            service_year__gte=today.year - DEMO_YEARS + 1,
            service_year__lte=today.year,
        )
        .values("pk", "station_id", "service_year")
    )
    served = {(c["station_id"], c["service_year"]) for c in contracts}
    communities: dict[int, list[int]] = {}
    for cid, sub in Community.objects.values_list("pk", "subdistrict_id"):
        communities.setdefault(sub, []).append(cid)

    # People.
    people = []
    for station in stations:
        for i in range(PEOPLE_PER_STATION):
            minor = i % 6 == 0
            birth = today.year - (rng.randint(6, 16) if minor else rng.randint(25, 90))
            person = ServiceUser(
                station_id=station.pk,
                community_id=rng.choice(communities.get(station.subdistrict_id) or [None]),
                name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                gender=rng.choice(["male", "female"]),
                birth_year=birth,
                contact=f"139{rng.randrange(10**8):08d}",
                consent_on=today - timedelta(days=rng.randint(30, 700)),
                consent_method="guardian"
                if minor
                else rng.choice(["written", "oral", "electronic"]),
                is_sensitive=minor or i % 6 == 1,
                basic_guarantee=i % 3 != 2,
            )
            if i % 4 == 0:
                number = idnumbers.make_id_number(
                    birth_date=date(birth, rng.randint(1, 12), rng.randint(1, 28)),
                    male=person.gender == "male",
                    sequence=rng.randrange(500),
                )
                protected = crypto.protect_id_number(number, today=today)
                person.id_number_cipher = protected.cipher
                person.id_number_hash = protected.hash
                person.id_number_masked = protected.masked
            people.append(person)
    ServiceUser.objects.bulk_create(people, batch_size=BATCH)
    user_groups = ServiceUser.target_groups.through
    links = []
    by_station: dict[int, list[ServiceUser]] = {}
    for i, p in enumerate(people):
        by_station.setdefault(p.station_id, []).append(p)
        k = i % PEOPLE_PER_STATION
        if k % 6 in (0, 1):
            chosen = rng.choice(sensitive_groups)
        elif p.basic_guarantee:
            chosen = rng.choice(basic_groups)
        else:
            chosen = general
        links.append(user_groups(serviceuser_id=p.pk, targetgroup_id=chosen.pk))
    user_groups.objects.bulk_create(links, batch_size=BATCH)

    # Records.
    weights = [w for _k, w, _h, _p in KIND_MIX]
    records, tags, attending = [], [], []
    for station in stations:
        mine = by_station.get(station.pk, [])
        for y, m in _months(today, DEMO_YEARS):
            if (station.pk, y) not in served:
                continue
            last_day = (
                today.day - 1
                if (y, m) == (today.year, today.month)
                else calendar.monthrange(y, m)[1]
            )
            if last_day < 1:
                continue
            for _n in range(RECORDS_PER_STATION_MONTH):
                code, _w, (h0, h1), (p0, p1) = rng.choices(KIND_MIX, weights=weights)[0]
                kind = kinds[code]
                attendees = []
                if code in ("case", "home_visit") and mine:
                    attendees = [rng.choice(mine)]
                elif code == "group" and mine:
                    attendees = rng.sample(mine, min(len(mine), rng.randint(4, 8)))
                person_times = rng.randint(p0, p1)
                others = 0
                if code in ("group", "home_visit"):
                    person_times = max(1, min(person_times, len(attendees) + 4))
                    others = max(0, person_times - len(attendees))
                if code == "case":
                    person_times = 1
                record = ServiceRecord(
                    station_id=station.pk,
                    service_on=date(y, m, rng.randint(1, last_day)),
                    catalogue=version,
                    kind=kind,
                    field=rng.choice(fields),
                    title=TITLES[code],
                    hours=(h0 + (h1 - h0) * Decimal(rng.randint(0, 4)) / 4).quantize(
                        Decimal("0.01")
                    ),
                    person_times=person_times,
                    others_count=others,
                    case_step=rng.choice(["opened", "ongoing", "ongoing", "closed"])
                    if code == "case"
                    else "",
                )
                records.append(record)
                tags.append([rng.choice(basic_groups) if rng.random() < 0.6 else general])
                attending.append(attendees)
    ServiceRecord.objects.bulk_create(records, batch_size=BATCH)
    through = ServiceRecord.target_groups.through
    through.objects.bulk_create(
        [
            through(servicerecord_id=r.pk, targetgroup_id=g.pk)
            for r, gs in zip(records, tags, strict=True)
            for g in gs
        ],
        batch_size=BATCH,
    )
    Attendance.objects.bulk_create(
        [
            Attendance(record_id=r.pk, user_id=p.pk)
            for r, ps in zip(records, attending, strict=True)
            for p in ps
        ],
        batch_size=BATCH,
    )
    if records:
        CatalogueVersion.objects.filter(pk=version.pk, frozen_at__isnull=True).update(
            frozen_at=ctx_now()
        )
    for y, m in _months(today, DEMO_YEARS):
        aggregates_refresh_month(year=y, month=m)

    # Monthly reports: every ended month; approved up to two months ago, last month mixed.
    last_y, last_m = rules.previous_month(today)
    reports = []
    for y, m in _months(today, DEMO_YEARS):
        if (y, m) > (last_y, last_m):
            continue
        figures = month_figures(year=y, month=m)
        due = rules.report_due_on(y, m, due_day=policy.report_due_day)
        for station in stations:
            if (station.pk, y) not in served:
                continue
            latest = (y, m) == (last_y, last_m)
            roll = rng.random()
            status = ReportStatus.APPROVED
            if latest:
                status = (
                    ReportStatus.OPEN
                    if roll < 0.3
                    else (
                        ReportStatus.SUBMITTED if roll < 0.7 else ReportStatus.SUBDISTRICT_APPROVED
                    )
                )
            reports.append(
                MonthlyReport(
                    station_id=station.pk,
                    year=y,
                    month=m,
                    status=status,
                    due_on=due,
                    policy=policy,
                    figures=figures[station.pk],
                    narrative=""
                    if status == ReportStatus.OPEN
                    else "本月按计划开展个案、小组和社区活动。",
                )
            )
    MonthlyReport.objects.bulk_create(reports, batch_size=BATCH, ignore_conflicts=True)

    # Targets: what the activity mix delivers at this volume, a few stations set higher.
    targets = []
    for c in contracts:
        behind = rng.random() < 0.08
        factor = Decimal("1.3") if behind else Decimal("0.9")
        per_year = Decimal(RECORDS_PER_STATION_MONTH * 12)
        targets.append(
            ServiceTarget(
                contract_id=c["pk"],
                station_id=c["station_id"],
                service_year=c["service_year"],
                direct_hours=(per_year * Decimal("1.6") * factor).quantize(Decimal("1")),
                person_times=int(per_year * Decimal("420") * factor),
                cases=int(per_year * Decimal("0.3") * Decimal("0.25") * factor),
                groups=int(per_year * Decimal("0.2") * factor),
                activities=int(per_year * Decimal("0.25") * factor),
            )
        )
    ServiceTarget.objects.bulk_create(targets, batch_size=BATCH, ignore_conflicts=True)
    ctx.log(f"  服务：服务对象{len(people)}人，服务记录{len(records)}条，月报{len(reports)}份")


def ctx_now():
    from portal import clock

    return clock.now()


register_demo_step("services", services_demo, order=320)
