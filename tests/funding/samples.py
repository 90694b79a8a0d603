"""Samples of the funding app for the scope walk (tests/samples.py): station A1's budget and
January report under contract A1, an attachment, the funding year and a donation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile

from funding.choices import (
    AttachmentKind,
    BudgetCategory,
    BudgetStatus,
    PeriodKind,
    ReportStatus,
    ResourceKind,
)
from funding.models import (
    Budget,
    BudgetLine,
    FundingYear,
    SocialResource,
    SpendingAttachment,
    SpendingLine,
    SpendingReport,
)
from funding.services.years import funding_year_refresh
from portal import clock
from tests.samples import MARK, register, sample

PERSONNEL = Decimal("1600000.00")
OTHER = Decimal("800000.00")


@register(Budget)
def budget(world) -> Budget:
    contract = world.contract_a1
    budget = Budget.objects.create(
        contract=contract,
        station=contract.station,
        service_year=contract.service_year,
        fee=contract.annual_fee,
        status=BudgetStatus.SUBMITTED,
        total=PERSONNEL + OTHER,
        personnel=PERSONNEL,
        note=f"{MARK}预算说明",
        submitted_at=clock.now(),
        submitted_by=world.station_a1_manager,
        created_by=world.station_a1_manager,
    )
    BudgetLine.objects.create(
        budget=budget, category=BudgetCategory.SALARIES, amount=PERSONNEL, note=f"{MARK}工资"
    )
    BudgetLine.objects.create(
        budget=budget, category=BudgetCategory.SERVICE_ACTIVITIES, amount=OTHER, note=""
    )
    return budget


@register(BudgetLine)
def budget_line(world) -> BudgetLine:
    return sample(world, Budget).lines.get(category=BudgetCategory.SALARIES)


@register(SpendingReport)
def report(world) -> SpendingReport:
    contract = world.contract_a1
    year = contract.service_year
    report = SpendingReport.objects.create(
        contract=contract,
        station=contract.station,
        service_year=year,
        period_kind=PeriodKind.MONTHLY,
        period=1,
        months=1,
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 1, 31),
        status=ReportStatus.SUBMITTED,
        total=Decimal("150000.00"),
        personnel=Decimal("120000.00"),
        note=f"{MARK}支出说明",
        submitted_at=clock.now(),
        submitted_by=world.station_a1_manager,
        created_by=world.station_a1_manager,
    )
    SpendingLine.objects.create(
        report=report,
        category=BudgetCategory.SALARIES,
        amount=Decimal("120000.00"),
        note=f"{MARK}一月工资",
    )
    SpendingLine.objects.create(
        report=report, category=BudgetCategory.SERVICE_ACTIVITIES, amount=Decimal("30000.00")
    )
    return report


@register(SpendingLine)
def spending_line(world) -> SpendingLine:
    return sample(world, SpendingReport).lines.get(category=BudgetCategory.SALARIES)


@register(SpendingAttachment)
def attachment(world) -> SpendingAttachment:
    attachment = SpendingAttachment(
        report=sample(world, SpendingReport),
        kind=AttachmentKind.PAYROLL,
        original_name=f"{MARK}工资表.pdf",
        content_type="application/pdf",
        size=9,
        uploaded_by=world.station_a1_manager,
    )
    attachment.file.save("sample-payroll.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.save()
    return attachment


@register(FundingYear)
def funding_year(world) -> FundingYear:
    sample(world, Budget)
    sample(world, SpendingReport)
    return funding_year_refresh(contract=world.contract_a1)


@register(SocialResource)
def social_resource(world) -> SocialResource:
    today = clock.today()
    return SocialResource.objects.create(
        station=world.station_a1,
        service_year=today.year,
        kind=ResourceKind.CHARITY_DONATION,
        received_on=today - dt.timedelta(days=3),
        amount=Decimal("5000.00"),
        source=f"{MARK}捐赠方",
        description=f"{MARK}捐赠",
        created_by=world.station_a1_manager,
    )
