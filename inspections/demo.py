"""Demo step of the inspections app: four past quarters with visits, findings and orders in
every state (open, answered, sent back, closed, overdue), a special campaign under way, and the
current quarter's confirmed plan including unannounced visits. Every date is counted from the
day the demo is loaded. Bulk writes; one stream of randomness."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from inspections import rules, services
from inspections.choices import (
    AnswerResult,
    MemberBody,
    PlanStatus,
    VisitStatus,
)
from inspections.models import (
    Campaign,
    ChecklistTemplate,
    Finding,
    Inspection,
    InspectionAnswer,
    InspectionTeamMember,
    QuarterPlan,
)
from portal import clock
from portal.scoping import SYSTEM
from portal.selectors import policy_in_force
from rectification import rules as rectification_rules
from rectification.choices import OrderEventKind, OrderStatus, SourceKind
from rectification.models import RectificationEvent, RectificationOrder
from stations.demo import DemoContext, register_demo_step

PAST_QUARTERS = 4
# The special campaign: under way for two months of its nine when the demo is loaded.
CAMPAIGN_STARTED_DAYS_AGO = 60
CAMPAIGN_DAYS = 272
# Answers (one row per checklist item) are written for at most this many visits a quarter, so
# the nation-scale demo stays a few minutes; findings and orders are written for every visit.
ANSWERED_VISITS_PER_QUARTER = 400
DESCRIPTIONS = [
    "现场发现问题，需限期整改",
    "台账记录不完整",
    "设施存在安全隐患",
    "公示信息未及时更新",
    "档案资料缺失",
]


def _previous_quarters(today: dt.date, n: int) -> list[tuple[int, int]]:
    year, quarter = rules.quarter_of(today)
    out = []
    for _ in range(n):
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
        out.append((year, quarter))
    return list(reversed(out))


def inspections(ctx: DemoContext) -> None:
    rng = ctx.rng("inspections")
    today = ctx.today
    inspector = ctx.data.get("accounts", {}).get("inspector")
    if QuarterPlan.objects.exists():
        ctx.log("  inspections: plans exist already, step skipped")
        return
    policy = _PolicyByDay()
    for year, quarter in _previous_quarters(today, PAST_QUARTERS):
        with transaction.atomic():
            plan = services.plan_draw(
                actor=SYSTEM, year=year, quarter=quarter, seed=rng.randrange(2**40)
            )
            QuarterPlan.objects.filter(pk=plan.pk).update(
                status=PlanStatus.CONFIRMED, confirmed_at=clock.now()
            )
            visits = list(plan.inspections.all())
            _teams(visits, inspector)
            _record_past(rng, visits, plan.checklist, policy, today)
        ctx.log(f"  inspections: {year}Q{quarter} {len(visits)} visits")
    year, quarter = rules.quarter_of(today)
    with transaction.atomic():
        plan = services.plan_draw(
            actor=SYSTEM, year=year, quarter=quarter, seed=rng.randrange(2**40)
        )
        QuarterPlan.objects.filter(pk=plan.pk).update(
            status=PlanStatus.CONFIRMED, confirmed_at=clock.now()
        )
        current = list(plan.inspections.all())
        _teams(current, inspector)
        # Visits whose day has passed are under way or signed off, the rest still ahead.
        done = [v for v in current if v.scheduled_on < today]
        _record_past(rng, done, plan.checklist, policy, today)
    _campaign(ctx, rng, policy, today, inspector)


class _PolicyByDay:
    """The policy version in force on a day, as an order opened that day is judged by it
    (looked up once per distinct day)."""

    def __init__(self):
        self._cache: dict[dt.date, object] = {}

    def __call__(self, day: dt.date):
        if day not in self._cache:
            self._cache[day] = policy_in_force(day)
        return self._cache[day]


def _teams(visits, inspector) -> None:
    if inspector is None:
        return
    InspectionTeamMember.objects.bulk_create(
        [
            InspectionTeamMember(
                inspection=v, user=inspector, body=MemberBody.CITY_CENTRE, is_lead=True
            )
            for v in visits
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )


def _record_past(
    rng, visits, checklist: ChecklistTemplate, policy: _PolicyByDay, today: dt.date
) -> None:
    items = list(checklist.items.all())
    now = clock.now()
    answers, findings = [], []
    for n, visit in enumerate(visits):
        visit.status = VisitStatus.SIGNED_OFF
        visit.started_at = now
        visit.signed_off_at = now
        visit.representative_name = "站长"
        failed = rng.sample(items, k=rng.choice([0, 0, 1, 1, 2, 3]))
        if n < ANSWERED_VISITS_PER_QUARTER:
            failed_ids = {i.pk for i in failed}
            answers += [
                InspectionAnswer(
                    inspection=visit,
                    item=i,
                    result=AnswerResult.FAIL if i.pk in failed_ids else AnswerResult.PASS,
                )
                for i in items
            ]
        for item in failed:
            findings.append(
                Finding(
                    inspection=visit,
                    item=item,
                    station_id=visit.station_id,
                    area=item.area,
                    severity=item.default_severity,
                    description=rng.choice(DESCRIPTIONS),
                    found_on=visit.scheduled_on,
                )
            )
    Inspection.objects.bulk_update(
        visits, ["status", "started_at", "signed_off_at", "representative_name"], batch_size=2000
    )
    InspectionAnswer.objects.bulk_create(answers, batch_size=5000)
    Finding.objects.bulk_create(findings, batch_size=5000)
    visit_by_id = {v.pk: v for v in visits}
    orders, events = [], []
    for finding in findings:
        visit = visit_by_id[finding.inspection_id]
        opened = finding.found_on
        version = policy(opened)
        due = rectification_rules.due_date(opened, version.rectification_days_for(finding.severity))
        roll = rng.random()
        if due >= today:
            status = OrderStatus.OPEN if roll < 0.5 else OrderStatus.ANSWERED
        elif roll < 0.6:
            status = OrderStatus.CLOSED
        elif roll < 0.7:
            status = OrderStatus.REOPENED
        elif roll < 0.8:
            status = OrderStatus.ANSWERED
        else:
            status = OrderStatus.OPEN  # overdue
        orders.append(
            RectificationOrder(
                source_kind=SourceKind.INSPECTION_FINDING,
                finding=finding,
                source_ref=f"inspection:{visit.pk}",
                station_id=visit.station_id,
                institution_id=visit.institution_id,
                severity=finding.severity,
                area=finding.area,
                title=finding.item.title[:200],
                description=finding.description,
                opened_on=opened,
                due_on=due,
                policy_version=version,
                status=status,
                closed_at=now if status == OrderStatus.CLOSED else None,
            )
        )
    RectificationOrder.objects.bulk_create(orders, batch_size=5000)
    path = {
        OrderStatus.OPEN: [(OrderEventKind.OPENED, OrderStatus.OPEN)],
        OrderStatus.ANSWERED: [
            (OrderEventKind.OPENED, OrderStatus.OPEN),
            (OrderEventKind.ANSWERED, OrderStatus.ANSWERED),
        ],
        OrderStatus.REOPENED: [
            (OrderEventKind.OPENED, OrderStatus.OPEN),
            (OrderEventKind.ANSWERED, OrderStatus.ANSWERED),
            (OrderEventKind.REJECTED, OrderStatus.REOPENED),
        ],
        OrderStatus.CLOSED: [
            (OrderEventKind.OPENED, OrderStatus.OPEN),
            (OrderEventKind.ANSWERED, OrderStatus.ANSWERED),
            (OrderEventKind.ACCEPTED, OrderStatus.CLOSED),
        ],
    }
    for order in orders:
        before = ""
        for kind, to in path[order.status]:
            events.append(
                RectificationEvent(
                    order=order,
                    kind=kind,
                    from_status=before,
                    to_status=to,
                    note="佐证不足" if kind == OrderEventKind.REJECTED else "",
                )
            )
            before = to
    RectificationEvent.objects.bulk_create(events, batch_size=5000)


def _campaign(ctx, rng, policy, today, inspector) -> None:
    """A special campaign under way, shaped like the 2019-10..2020-06 one (160 stations and
    76 institutions, RULES.md): started two months ago, nine months long, most visits done."""
    checklist = ChecklistTemplate.objects.filter(code="campaign-2019").order_by("-version").first()
    if checklist is None:
        return
    stations = ctx.data.get("stations", [])[:160]
    starts_on = today - dt.timedelta(days=CAMPAIGN_STARTED_DAYS_AGO)
    ends_on = starts_on + dt.timedelta(days=CAMPAIGN_DAYS)
    years = f"{starts_on.year}" + (f"-{ends_on.year}" if ends_on.year != starts_on.year else "")
    campaign = Campaign.objects.create(
        name=f"{years}年专业服务、内部治理和财务管理专项督查",
        theme="professional",
        description="对160个社工站和76家承接机构开展专项督查。",
        starts_on=starts_on,
        ends_on=ends_on,
        checklist=checklist,
    )
    campaign.stations.set(stations)
    institutions = ctx.data.get("institutions", [])[:76]
    campaign.institutions.set(institutions)
    services.campaign_schedule(actor=SYSTEM, campaign=campaign)
    visits = sorted(campaign.inspections.all(), key=lambda v: (v.scheduled_on, v.pk))
    _teams(visits, inspector)
    done = int(len(visits) * 0.9)
    _record_past(rng, visits[:done], checklist, policy, today)
    # The inspector's week ahead is never empty, whatever the day the demo is loaded on (a
    # quarter plan keeps its first and last week free of visits): a campaign visit still to
    # do is moved to a working day next week.
    ahead = visits[done:]
    if ahead:
        day = today + dt.timedelta(days=3)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        services.inspection_reschedule(actor=SYSTEM, visit=ahead[0], scheduled_on=day)


register_demo_step("inspections", inspections, order=300)
