"""Choices of the funding app. Stored values are stable lowercase ASCII; labels Chinese."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BudgetCategory(models.TextChoices):
    """预算科目. The first three are personnel spending (人员经费, 穗府办规〔2018〕13号)."""

    SALARIES = "salaries", _("人员经费：工资")
    SOCIAL_INSURANCE = "social_insurance", _("人员经费：社会保险和住房公积金")
    BONUSES = "bonuses", _("人员经费：奖金和津补贴")
    SERVICE_ACTIVITIES = "service_activities", _("服务活动费")
    SUPERVISION_TRAINING = "supervision_training", _("督导和培训费")
    OFFICE_ADMIN = "office_admin", _("办公和行政费")
    OTHER = "other", _("其他")


PERSONNEL_CATEGORIES = frozenset(
    {BudgetCategory.SALARIES, BudgetCategory.SOCIAL_INSURANCE, BudgetCategory.BONUSES}
)
CATEGORY_ORDER = [c.value for c in BudgetCategory]


class BudgetStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交待审核")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已批准")
    SUPERSEDED = "superseded", _("已被新版本取代")


# A contract has at most one budget being worked on and one approved budget at a time.
OPEN_BUDGET_STATUSES = (BudgetStatus.DRAFT, BudgetStatus.SUBMITTED, BudgetStatus.RETURNED)
EDITABLE_STATUSES = ("draft", "returned")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交待审核")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已确认")


# Reports whose amounts count towards the actual spending of the year.
COUNTED_REPORT_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


class PeriodKind(models.TextChoices):
    """报告周期. The policy version of the service year says which one applies
    (``PolicyVersion.spending_report_period``; no published text fixes it, monthly is seeded)."""

    MONTHLY = "monthly", _("月度")
    QUARTERLY = "quarterly", _("季度")


MONTHS_IN_PERIOD: dict[str, int] = {PeriodKind.MONTHLY: 1, PeriodKind.QUARTERLY: 3}
PERIODS_IN_YEAR: dict[str, int] = {PeriodKind.MONTHLY: 12, PeriodKind.QUARTERLY: 4}
# Which period a service year reports by, when a report is due and when a late one is
# escalated, and the grace before a year is final are policy data
# (``PolicyVersion.spending_report_period``, ``spending_report_due_days``,
# ``spending_report_escalate_days``, ``funding_finalise_grace_days``).


class ComplianceStatus(models.TextChoices):
    """The board's verdict for a station's service year, worst first by ``rank``."""

    FAILED = "failed", _("未达标")
    PROJECTED_UNDER = "projected_under", _("预计不达标")
    PLANNED_UNDER = "planned_under", _("预算不达标")
    NO_DATA = "no_data", _("暂无支出数据")
    ON_TRACK = "on_track", _("预计达标")
    PASSED = "passed", _("已达标")


COMPLIANCE_RANK = {
    ComplianceStatus.FAILED: 0,
    ComplianceStatus.PROJECTED_UNDER: 1,
    ComplianceStatus.PLANNED_UNDER: 2,
    ComplianceStatus.NO_DATA: 3,
    ComplianceStatus.ON_TRACK: 4,
    ComplianceStatus.PASSED: 5,
}


class AttachmentKind(models.TextChoices):
    RECEIPT = "receipt", _("票据")
    PAYROLL = "payroll", _("工资发放汇总表")
    BANK = "bank", _("银行流水")
    OTHER = "other", _("其他")


class ResourceKind(models.TextChoices):
    """社会资源 (reply letter: over 200M yuan a year, 201 community charity points)."""

    CHARITY_DONATION = "charity_donation", _("社区慈善捐赠站点捐赠")
    COMMUNITY_FUND = "community_fund", _("社区基金筹款")
    IN_KIND = "in_kind", _("物资捐赠（折价）")
    TIME_BANK = "time_bank", _("时间银行志愿服务时数")


MONEY_RESOURCE_KINDS = (
    ResourceKind.CHARITY_DONATION,
    ResourceKind.COMMUNITY_FUND,
    ResourceKind.IN_KIND,
)
