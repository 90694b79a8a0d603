"""Budgets and spending reports through the services: rules, locking, scope, history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from funding import services
from funding.choices import BudgetStatus, ReportStatus
from funding.models import Budget, FundingYear, SpendingReport
from portal.errors import Conflict
from portal.scoping import SYSTEM
from tests.factories import ContractFactory
from tests.funding.conftest import lines_with_personnel, month_lines, report

pytestmark = pytest.mark.django_db


def _draft(world, personnel="1600000.00"):
    return services.budget_create(
        actor=world.station_a1_manager,
        contract=world.contract_a1,
        lines=lines_with_personnel(personnel),
    )


def test_a_station_manager_prepares_a_budget_that_adds_up_to_the_fee(world):
    budget = _draft(world)
    assert budget.status == BudgetStatus.DRAFT
    assert budget.total == Decimal("2400000.00")
    assert budget.personnel == Decimal("1600000.00")
    assert budget.lines.count() == 7


def test_it_rejects_lines_that_do_not_add_up_to_the_fee_and_writes_nothing(world):
    lines = lines_with_personnel("1600000.00")
    lines[-1]["amount"] += Decimal("0.01")
    with pytest.raises(ValidationError) as error:
        services.budget_create(
            actor=world.station_a1_manager, contract=world.contract_a1, lines=lines
        )
    assert "2,400,000.01" in str(error.value) and "2,400,000.00" in str(error.value)
    assert "相差 0.01 元" in str(error.value)
    assert not Budget.objects.exists()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-1.00", "第1行「人员经费：工资」：金额不能为负数。"),
        ("1.005", "第1行「人员经费：工资」：金额最多保留两位小数（精确到分）。"),
        ("一百", "第1行「人员经费：工资」：金额不是有效数字。"),
    ],
)
def test_bad_amounts_are_named_by_line_and_rule(world, amount, message):
    lines = lines_with_personnel("1600000.00")
    lines[0]["amount"] = amount
    with pytest.raises(ValidationError) as error:
        services.budget_create(
            actor=world.station_a1_manager, contract=world.contract_a1, lines=lines
        )
    assert message in error.value.message_dict["lines"]


def test_exactly_65_percent_can_be_submitted(world):
    budget = _draft(world, "1560000.00")
    budget = services.budget_submit(
        actor=world.station_a1_manager, budget=budget, version=budget.version
    )
    assert budget.status == BudgetStatus.SUBMITTED
    assert budget.checked_share == Decimal("65.00")
    assert budget.policy_version.personnel_floor_percent == Decimal("65.00")


def test_it_rejects_a_budget_below_the_personnel_floor_with_share_floor_and_shortfall(world):
    budget = _draft(world, "1559760.00")
    with pytest.raises(ValidationError) as error:
        services.budget_submit(
            actor=world.station_a1_manager, budget=budget, version=budget.version
        )
    message = error.value.message_dict["lines"][0]
    assert "64.99%" in message and "65.00%" in message and "240.00 元" in message
    budget.refresh_from_db()
    assert budget.status == BudgetStatus.DRAFT and budget.policy_version is None


def test_it_refuses_a_budget_whose_fee_is_zero_with_the_contract_forms_message(world):
    from funding.models import BudgetLine
    from stations.rules import FEE_NOT_POSITIVE

    # A fee of 0 gets past the contract form only by an ORM write or an import; its lines
    # add up (all 0) and any personnel figure would "meet" 65% of nothing.
    budget = _draft(world)
    BudgetLine.objects.filter(budget=budget).update(amount=Decimal("0.00"))
    Budget.objects.filter(pk=budget.pk).update(
        fee=Decimal("0.00"), total=Decimal("0.00"), personnel=Decimal("0.00")
    )
    budget.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.budget_submit(
            actor=world.station_a1_manager, budget=budget, version=budget.version
        )
    assert error.value.message_dict["fee"] == [FEE_NOT_POSITIVE] == ["年度项目经费必须大于0元。"]
    budget.refresh_from_db()
    assert budget.status == BudgetStatus.DRAFT and budget.checked_share is None


def test_a_district_officer_approves_and_the_budget_is_locked(world):
    budget = _draft(world)
    budget = services.budget_submit(
        actor=world.station_a1_manager, budget=budget, version=budget.version
    )
    budget = services.budget_approve(
        actor=world.district_a_officer, budget=budget, version=budget.version
    )
    assert budget.status == BudgetStatus.APPROVED
    with pytest.raises(Conflict):
        services.budget_update(
            actor=world.station_a1_manager,
            budget=budget,
            version=budget.version,
            lines=lines_with_personnel("1700000.00"),
        )
    fy = FundingYear.objects.get(contract=world.contract_a1)
    assert fy.planned_personnel == Decimal("1600000.00") and fy.budget_id == budget.pk


def test_a_returned_budget_carries_the_reason_and_can_be_edited_again(world):
    budget = _draft(world)
    budget = services.budget_submit(
        actor=world.station_a1_manager, budget=budget, version=budget.version
    )
    with pytest.raises(ValidationError):
        services.budget_return(
            actor=world.district_a_officer, budget=budget, version=budget.version, reason="  "
        )
    budget = services.budget_return(
        actor=world.district_a_officer, budget=budget, version=budget.version, reason="督导费偏高"
    )
    assert budget.status == BudgetStatus.RETURNED and budget.return_reason == "督导费偏高"
    budget = services.budget_update(
        actor=world.station_a1_manager,
        budget=budget,
        version=budget.version,
        lines=lines_with_personnel("1650000.00"),
    )
    assert budget.personnel == Decimal("1650000.00")


def test_station_managers_cannot_approve_and_other_districts_cannot_see(world):
    budget = _draft(world)
    budget = services.budget_submit(
        actor=world.station_a1_manager, budget=budget, version=budget.version
    )
    with pytest.raises(PermissionDenied):
        services.budget_approve(
            actor=world.station_a1_manager, budget=budget, version=budget.version
        )
    with pytest.raises(Http404):
        services.budget_approve(
            actor=world.district_b_officer, budget=budget, version=budget.version
        )


def test_a_manager_cannot_prepare_a_budget_for_another_station(world):
    with pytest.raises(Http404):
        services.budget_create(
            actor=world.station_a1_manager,
            contract=world.contract_b1,
            lines=lines_with_personnel("1600000.00"),
        )


def test_a_revision_is_a_new_version_and_the_history_is_kept(world, approved_budget):
    revision = services.budget_revise(actor=world.station_a1_manager, budget=approved_budget)
    assert revision.revision == 2 and revision.status == BudgetStatus.DRAFT
    assert revision.supersedes_id == approved_budget.pk
    revision = services.budget_update(
        actor=world.station_a1_manager,
        budget=revision,
        version=revision.version,
        lines=lines_with_personnel("1700000.00"),
    )
    revision = services.budget_submit(
        actor=world.station_a1_manager, budget=revision, version=revision.version
    )
    services.budget_approve(
        actor=world.district_a_officer, budget=revision, version=revision.version
    )
    approved_budget.refresh_from_db()
    assert approved_budget.status == BudgetStatus.SUPERSEDED
    statuses = list(
        Budget.objects.filter(contract=world.contract_a1)
        .order_by("revision")
        .values_list("status", flat=True)
    )
    assert statuses == [BudgetStatus.SUPERSEDED, BudgetStatus.APPROVED]
    assert FundingYear.objects.get(contract=world.contract_a1).planned_personnel == Decimal(
        "1700000.00"
    )


def test_a_stale_version_gets_a_conflict_and_never_overwrites(world):
    budget = _draft(world)
    seen = budget.version
    other_copy = Budget.objects.get(pk=budget.pk)
    services.budget_update(
        actor=world.station_a1_manager,
        budget=budget,
        version=seen,
        lines=lines_with_personnel("1700000.00"),
    )
    with pytest.raises(Conflict) as error:
        services.budget_update(
            actor=world.institution_a_admin,
            budget=other_copy,
            version=seen,
            lines=lines_with_personnel("1800000.00"),
        )
    assert "此记录已被" in error.value.message and "请刷新后重试" in error.value.message
    budget.refresh_from_db()
    assert budget.personnel == Decimal("1700000.00")


def test_no_budget_for_a_contract_no_longer_in_force(world, today):
    old = ContractFactory(
        station=world.station_a1, institution=world.institution_a, service_year=today.year - 1
    )
    with pytest.raises(ValidationError) as error:
        services.budget_create(
            actor=world.station_a1_manager, contract=old, lines=lines_with_personnel("1600000.00")
        )
    assert "不是在履行的合同" in str(error.value)


def test_a_special_project_uses_its_own_fee(world):
    from stations.models import ProjectKind

    special = ContractFactory(
        station=world.station_a1,
        institution=world.institution_a,
        kind=ProjectKind.objects.get(code="medical"),
        annual_fee=Decimal("500000.00"),
    )
    lines = [
        {"category": "salaries", "amount": "325000.00"},
        {"category": "service_activities", "amount": "175000.00"},
    ]
    budget = services.budget_create(actor=world.station_a1_manager, contract=special, lines=lines)
    budget = services.budget_submit(
        actor=world.station_a1_manager, budget=budget, version=budget.version
    )
    assert budget.fee == Decimal("500000.00") and budget.checked_share == Decimal("65.00")


def test_a_report_counts_when_submitted_and_locks_when_approved(world):
    r = report(world, 1, "140000.00", status="draft")
    assert FundingYear.objects.filter(contract=world.contract_a1, months_reported=1).count() == 0
    r = services.report_submit(actor=world.station_a1_manager, report=r, version=r.version)
    fy = FundingYear.objects.get(contract=world.contract_a1)
    assert fy.months_reported == 1 and fy.actual_personnel == Decimal("140000.00")
    assert fy.actual_total == Decimal("170000.00")
    r = services.report_approve(actor=world.district_a_officer, report=r, version=r.version)
    assert r.status == ReportStatus.APPROVED
    with pytest.raises(Conflict) as error:
        services.report_update(
            actor=world.station_a1_manager, report=r, version=r.version, lines=month_lines("1.00")
        )
    assert "已锁定" in error.value.message


def test_a_second_report_for_the_same_period_is_refused(world):
    report(world, 1, "140000.00", status="draft")
    with pytest.raises(Conflict):
        services.report_create(
            actor=world.station_a1_manager,
            contract=world.contract_a1,
            period=1,
            lines=month_lines("1.00"),
        )
    assert SpendingReport.objects.count() == 1


def test_a_report_for_a_future_period_is_refused(world, today):
    contract = ContractFactory(
        station=world.station_a2, institution=world.institution_b, service_year=today.year + 1
    )
    with pytest.raises(ValidationError) as error:
        services.report_create(actor=SYSTEM, contract=contract, period=1, lines=month_lines("1"))
    assert "尚未到来" in str(error.value)


def test_attachments_refuse_executables_unknown_types_and_lies(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = report(world, 1, "140000.00", status="draft")
    pdf = SimpleUploadedFile("工资表.pdf", b"%PDF-1.7 test", content_type="application/pdf")
    attachment = services.attachment_add(
        actor=world.station_a1_manager, report=r, upload=pdf, kind="payroll"
    )
    assert attachment.content_type == "application/pdf" and attachment.size == 13
    cases = [
        (SimpleUploadedFile("a.pdf", b"MZ\x90\x00", content_type="application/pdf"), "可执行"),
        (SimpleUploadedFile("a.exe", b"%PDF-", content_type="application/pdf"), "类型不被接受"),
        (
            SimpleUploadedFile("a.zip", b"PK\x03\x04", content_type="application/zip"),
            "类型不被接受",
        ),
        (SimpleUploadedFile("a.png", b"%PDF-1.7", content_type="image/png"), "不符"),
    ]
    for upload, words in cases:
        with pytest.raises(ValidationError) as error:
            services.attachment_add(actor=world.station_a1_manager, report=r, upload=upload)
        assert words in str(error.value)
    attachment.file.delete(save=False)


def test_social_resources_record_money_or_hours_by_kind(world, today):
    donation = services.social_resource_create(
        actor=world.station_a1_manager,
        station=world.station_a1,
        kind="charity_donation",
        received_on=today,
        amount=Decimal("5000.00"),
        source="爱心企业",
    )
    hours = services.social_resource_create(
        actor=world.station_a1_manager,
        station=world.station_a1,
        kind="time_bank",
        received_on=today,
        hours=Decimal("12.50"),
    )
    assert donation.service_year == today.year and hours.credits == Decimal("12.50")
    with pytest.raises(ValidationError):
        services.social_resource_create(
            actor=world.station_a1_manager,
            station=world.station_a1,
            kind="time_bank",
            received_on=today,
            amount=Decimal("10.00"),
        )
    with pytest.raises(Http404):
        services.social_resource_create(
            actor=world.station_a1_manager,
            station=world.station_b1,
            kind="in_kind",
            received_on=today,
            amount=Decimal("10.00"),
        )


def test_reports_are_monthly_or_quarterly_as_the_policy_of_the_year_says(world):
    from portal.models import PolicyVersion

    PolicyVersion.objects.filter(effective_from__year=2018).update(
        spending_report_period="quarterly"
    )
    quarter = services.report_create(
        actor=world.station_a1_manager,
        contract=world.contract_a1,
        period=1,
        lines=[{"category": "salaries", "amount": "420000.00"}],
    )
    assert quarter.period_kind == "quarterly" and quarter.months == 3
    assert (quarter.period_start.isoformat(), quarter.period_end.isoformat()) == (
        f"{quarter.service_year}-01-01",
        f"{quarter.service_year}-03-31",
    )
    with pytest.raises(ValidationError) as error:
        services.report_create(
            actor=world.station_a1_manager,
            contract=world.contract_a1,
            period=2,
            period_kind="monthly",
            lines=[{"category": "salaries", "amount": "140000.00"}],
        )
    assert "规定支出报告按季度填报，不能按月度填报" in str(error.value)
    assert SpendingReport.objects.filter(contract=world.contract_a1).count() == 1
    # Three months count towards the projection.
    services.report_submit(actor=world.station_a1_manager, report=quarter, version=quarter.version)
    assert FundingYear.objects.get(contract=world.contract_a1).months_reported == 3
