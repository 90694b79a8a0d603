"""Budgets, spending reports, the yearly personnel-share record, and social resources."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from funding import expressions
from funding.choices import (
    OPEN_BUDGET_STATUSES,
    AttachmentKind,
    BudgetCategory,
    BudgetStatus,
    ComplianceStatus,
    PeriodKind,
    ReportStatus,
    ResourceKind,
)
from portal.choices import CITY_ROLES, Role
from portal.scoping import Scope, ScopedManager, ScopedModel
from portal.versioning import VersionedModel

ZERO = Decimal("0.00")
MONEY = {"max_digits": 14, "decimal_places": 2}
NON_NEGATIVE = [MinValueValidator(ZERO)]

# Who reads funding: everyone who works on stations, and evaluators assigned to a station
# (the final evaluation's financial part); inspectors have no part in it.
READERS = frozenset(
    CITY_ROLES
    | {
        Role.DISTRICT_OFFICER,
        Role.SUBDISTRICT_OFFICER,
        Role.INSTITUTION_ADMIN,
        Role.STATION_MANAGER,
        Role.EVALUATOR,
    }
)
# Who prepares budgets and reports: the station side, and the city admin for corrections.
PREPARERS = frozenset({Role.STATION_MANAGER, Role.INSTITUTION_ADMIN, Role.CITY_ADMIN})
# Who approves or returns them: district officers within their district, and the city admin.
APPROVERS = frozenset({Role.DISTRICT_OFFICER, Role.CITY_ADMIN})
APPROVE = "approve"

PREPARED_ACTIONS = {
    "view": READERS,
    "add": PREPARERS,
    "change": PREPARERS,
    APPROVE: APPROVERS,
    "delete": frozenset({Role.CITY_ADMIN}),
}
STATION_SCOPE = Scope(
    station="station",
    subdistrict="station__subdistrict",
    district="station__district",
    institution="contract__institution",
    via_assignment=True,
)


class Budget(VersionedModel, ScopedModel):
    """项目预算: one version of a contract's budget for its service year.

    Lines by category must add up exactly to the contract's annual fee; the personnel floor
    is checked at submission with the policy version of the service year, which is recorded.
    Approved versions are locked; a revision is a new row (``revision`` + 1) and the history
    of versions stays. ``version`` is the optimistic lock every edit must send back.
    """

    contract = models.ForeignKey(
        "stations.Contract",
        on_delete=models.PROTECT,
        related_name="budgets",
        verbose_name=_("服务合同"),
    )
    # Copied from the contract: scope paths and the board filter without a join.
    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="budgets",
        verbose_name=_("社工站"),
        editable=False,
    )
    service_year = models.PositiveSmallIntegerField(_("服务年度"), editable=False)
    fee = models.DecimalField(_("年度项目经费（元）"), **MONEY, editable=False)
    revision = models.PositiveSmallIntegerField(_("版本号"), default=1)
    status = models.CharField(
        _("状态"), max_length=12, choices=BudgetStatus.choices, default=BudgetStatus.DRAFT
    )
    total = models.DecimalField(_("预算合计（元）"), **MONEY, default=ZERO)
    personnel = models.DecimalField(_("人员经费（元）"), **MONEY, default=ZERO)
    note = models.TextField(_("说明"), blank=True)
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("修订自"),
    )
    policy_version = models.ForeignKey(
        "portal.PolicyVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("判定所依据的政策版本"),
    )
    floor_percent = models.DecimalField(
        _("人员经费最低占比（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    checked_share = models.DecimalField(
        _("人员经费占比（%）"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提交人"),
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("编制人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = STATION_SCOPE
    scope_actions = PREPARED_ACTIONS
    objects = ScopedManager()

    class Meta:
        verbose_name = _("项目预算")
        verbose_name_plural = _("项目预算")
        ordering = ["-service_year", "station_id", "-revision"]
        indexes = [models.Index(fields=["service_year", "status"], name="funding_budget_year_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "revision"], name="funding_budget_one_row_per_revision"
            ),
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(status__in=OPEN_BUDGET_STATUSES),
                name="funding_budget_one_open_version",
            ),
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(status="approved"),
                name="funding_budget_one_approved_version",
            ),
            models.CheckConstraint(
                name="funding_budget_amounts_not_negative",
                condition=Q(total__gte=0, personnel__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return _("%(year)s年度预算 第%(rev)s版") % {"year": self.service_year, "rev": self.revision}

    @property
    def is_locked(self) -> bool:
        return self.status in (
            BudgetStatus.APPROVED,
            BudgetStatus.SUPERSEDED,
            BudgetStatus.SUBMITTED,
        )


class BudgetLine(ScopedModel):
    """预算科目行: one category's amount in a budget version, with a note."""

    budget = models.ForeignKey(
        Budget, on_delete=models.CASCADE, related_name="lines", verbose_name=_("预算")
    )
    category = models.CharField(_("科目"), max_length=24, choices=BudgetCategory.choices)
    amount = models.DecimalField(_("金额（元）"), **MONEY, validators=NON_NEGATIVE)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    scope = Scope(
        station="budget__station",
        subdistrict="budget__station__subdistrict",
        district="budget__station__district",
        institution="budget__contract__institution",
        via_assignment=True,
    )
    scope_actions = PREPARED_ACTIONS
    objects = ScopedManager()

    class Meta:
        verbose_name = _("预算科目")
        verbose_name_plural = _("预算科目")
        ordering = ["budget_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "category"], name="funding_budgetline_one_per_category"
            ),
            models.CheckConstraint(
                name="funding_budgetline_amount_not_negative", condition=Q(amount__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.amount}"


class SpendingReport(VersionedModel, ScopedModel):
    """经费支出报告: actual spending of one period (month or quarter) by budget category."""

    contract = models.ForeignKey(
        "stations.Contract",
        on_delete=models.PROTECT,
        related_name="spending_reports",
        verbose_name=_("服务合同"),
    )
    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="spending_reports",
        verbose_name=_("社工站"),
        editable=False,
    )
    service_year = models.PositiveSmallIntegerField(_("服务年度"), editable=False)
    period_kind = models.CharField(
        _("报告周期"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.MONTHLY
    )
    period = models.PositiveSmallIntegerField(
        _("期次"),
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("月度报告为月份（1-12），季度报告为季度（1-4）。"),
    )
    months = models.PositiveSmallIntegerField(_("覆盖月数"), default=1, editable=False)
    period_start = models.DateField(_("期间开始"), editable=False)
    period_end = models.DateField(_("期间结束"), editable=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    total = models.DecimalField(_("支出合计（元）"), **MONEY, default=ZERO)
    personnel = models.DecimalField(_("人员经费支出（元）"), **MONEY, default=ZERO)
    note = models.TextField(_("说明"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提交人"),
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("填报人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = STATION_SCOPE
    scope_actions = PREPARED_ACTIONS
    objects = ScopedManager()

    class Meta:
        verbose_name = _("支出报告")
        verbose_name_plural = _("支出报告")
        ordering = ["-service_year", "station_id", "-period_start"]
        indexes = [
            models.Index(fields=["contract", "status"], name="funding_report_contract_idx"),
            models.Index(fields=["service_year", "status"], name="funding_report_year_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period_kind", "period"],
                name="funding_spendingreport_one_per_period",
            ),
            models.CheckConstraint(
                name="funding_spendingreport_period_in_year",
                condition=Q(period__gte=1, period__lte=12)
                & (Q(period_kind="monthly") | Q(period__lte=4)),
            ),
            models.CheckConstraint(
                name="funding_spendingreport_amounts_not_negative",
                condition=Q(total__gte=0, personnel__gte=0),
            ),
        ]

    def __str__(self) -> str:
        if self.period_kind == PeriodKind.QUARTERLY:
            return _("%(year)s年第%(p)s季度支出报告") % {
                "year": self.service_year,
                "p": self.period,
            }
        return _("%(year)s年%(p)s月支出报告") % {"year": self.service_year, "p": self.period}


class SpendingLine(ScopedModel):
    """支出明细: the actual amount of one budget category in a report."""

    report = models.ForeignKey(
        SpendingReport, on_delete=models.CASCADE, related_name="lines", verbose_name=_("支出报告")
    )
    category = models.CharField(_("科目"), max_length=24, choices=BudgetCategory.choices)
    amount = models.DecimalField(_("金额（元）"), **MONEY, validators=NON_NEGATIVE)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    scope = Scope(
        station="report__station",
        subdistrict="report__station__subdistrict",
        district="report__station__district",
        institution="report__contract__institution",
        via_assignment=True,
    )
    scope_actions = PREPARED_ACTIONS
    objects = ScopedManager()

    class Meta:
        verbose_name = _("支出明细")
        verbose_name_plural = _("支出明细")
        ordering = ["report_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "category"], name="funding_spendingline_one_per_category"
            ),
            models.CheckConstraint(
                name="funding_spendingline_amount_not_negative", condition=Q(amount__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.amount}"


class SpendingAttachment(ScopedModel):
    """支出附件: a receipt or payroll summary behind a report (type and size checked)."""

    report = models.ForeignKey(
        SpendingReport,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("支出报告"),
    )
    kind = models.CharField(
        _("类别"), max_length=12, choices=AttachmentKind.choices, default=AttachmentKind.RECEIPT
    )
    file = models.FileField(_("文件"), upload_to="funding/attachments/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    # The audit trail records ``original_name``; the stored path is masked (portal.audit
    # cannot serialise a FieldFile, and the path says nothing the name does not).
    audit_hidden_fields = ("file",)

    scope = Scope(
        station="report__station",
        subdistrict="report__station__subdistrict",
        district="report__station__district",
        institution="report__contract__institution",
        via_assignment=True,
    )
    scope_actions = PREPARED_ACTIONS
    objects = ScopedManager()

    class Meta:
        verbose_name = _("支出附件")
        verbose_name_plural = _("支出附件")
        ordering = ["report_id", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


def _money(label):
    return models.DecimalField(label, **MONEY, default=ZERO)


class FundingYear(ScopedModel):
    """年度经费执行: one contract's service year, as the board, tasks and evaluations read it.

    Kept by the services (budget approval, report submission) and refreshed by the periodic
    projection run. Money by category is stored in columns so the city-wide overview sums one
    row per station and year, whatever the number of reports. The year-end result is
    ``final`` with ``policy_version`` and ``floor_percent`` recording what judged it.
    """

    contract = models.OneToOneField(
        "stations.Contract",
        on_delete=models.PROTECT,
        related_name="funding_year",
        verbose_name=_("服务合同"),
    )
    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="funding_years",
        verbose_name=_("社工站"),
    )
    district = models.ForeignKey(
        "stations.District", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    institution = models.ForeignKey(
        "stations.Institution",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("承接机构"),
    )
    is_comprehensive = models.BooleanField(_("综合项目"), default=True)
    service_year = models.PositiveSmallIntegerField(_("服务年度"))
    fee = models.DecimalField(_("年度项目经费（元）"), **MONEY)
    policy_version = models.ForeignKey(
        "portal.PolicyVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("适用政策版本"),
    )
    floor_percent = models.DecimalField(_("人员经费最低占比（%）"), max_digits=5, decimal_places=2)
    budget = models.ForeignKey(
        Budget,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("现行预算"),
    )
    planned_personnel = models.DecimalField(_("预算人员经费（元）"), **MONEY, null=True, blank=True)
    actual_total = _money(_("累计支出（元）"))
    actual_personnel = _money(_("累计人员经费支出（元）"))
    months_reported = models.PositiveSmallIntegerField(_("已报告月数"), default=0)
    planned_salaries = _money(_("预算：工资"))
    planned_social_insurance = _money(_("预算：社保公积金"))
    planned_bonuses = _money(_("预算：奖金津贴"))
    planned_service_activities = _money(_("预算：服务活动"))
    planned_supervision_training = _money(_("预算：督导培训"))
    planned_office_admin = _money(_("预算：办公行政"))
    planned_other = _money(_("预算：其他"))
    actual_salaries = _money(_("支出：工资"))
    actual_social_insurance = _money(_("支出：社保公积金"))
    actual_bonuses = _money(_("支出：奖金津贴"))
    actual_service_activities = _money(_("支出：服务活动"))
    actual_supervision_training = _money(_("支出：督导培训"))
    actual_office_admin = _money(_("支出：办公行政"))
    actual_other = _money(_("支出：其他"))
    final = models.BooleanField(_("年度结果已确定"), default=False)
    final_share = models.DecimalField(
        _("年度人员经费占比（%）"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    final_passed = models.BooleanField(_("年度是否达标"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("确定时间"), null=True, blank=True)
    refreshed_at = models.DateTimeField(_("更新时间"), null=True, blank=True)
    # The board's verdict, computed by the database from this row on every write (the SQL
    # twin of funding.rules, funding/expressions.py): sorted and filtered through indexes.
    status = models.GeneratedField(
        expression=expressions.compliance_status(),
        output_field=models.CharField(
            _("合规状态"), max_length=20, choices=ComplianceStatus.choices
        ),
        db_persist=True,
    )
    status_rank = models.GeneratedField(
        expression=expressions.compliance_rank(),
        output_field=models.IntegerField(_("状态排序")),
        db_persist=True,
    )
    projected_share = models.GeneratedField(
        expression=expressions.projected_share(),
        output_field=models.DecimalField(
            _("预计年末占比（%）"), max_digits=20, decimal_places=4, null=True
        ),
        db_persist=True,
    )

    scope = Scope(
        station="station",
        subdistrict="station__subdistrict",
        district="district",
        institution="institution",
        via_assignment=True,
    )
    scope_actions = {
        "view": READERS,
        "add": frozenset(),
        "change": frozenset(),
        APPROVE: APPROVERS,
        "delete": frozenset(),
    }
    objects = ScopedManager()

    class Meta:
        verbose_name = _("年度经费执行")
        verbose_name_plural = _("年度经费执行")
        ordering = ["-service_year", "station_id"]
        indexes = [
            models.Index(fields=["service_year", "district"], name="funding_year_district_idx"),
            models.Index(fields=["service_year", "institution"], name="funding_year_inst_idx"),
            models.Index(fields=["station", "service_year"], name="funding_year_station_idx"),
            # The board: worst first within a year (and the status filter, by rank).
            models.Index(
                fields=["service_year", "is_comprehensive", "status_rank", "projected_share"],
                name="funding_year_board_idx",
            ),
            # The API: a year's rows worst first, then by station.
            models.Index(
                fields=["service_year", "status_rank", "station"], name="funding_year_api_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="funding_fundingyear_months_in_year", condition=Q(months_reported__lte=12)
            ),
            models.CheckConstraint(
                name="funding_fundingyear_final_is_complete",
                condition=Q(final=False) | Q(final_passed__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station_id} · {self.service_year}"

    def category_amounts(self, prefix: str) -> dict[str, Decimal]:
        return {c.value: getattr(self, f"{prefix}_{c.value}") for c in BudgetCategory}


class SocialResource(VersionedModel, ScopedModel):
    """链接社会资源: a donation, community-fund income, in-kind gift or time-bank hours.

    Money kinds carry ``amount`` (in-kind gifts at their value); time-bank entries carry
    ``hours``, and 1 hour = 1 credit (2019 time-bank rules, RULES.md).
    """

    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="social_resources",
        verbose_name=_("社工站"),
    )
    service_year = models.PositiveSmallIntegerField(_("年度"), editable=False)
    kind = models.CharField(_("类别"), max_length=20, choices=ResourceKind.choices)
    received_on = models.DateField(_("日期"))
    amount = models.DecimalField(
        _("金额或折价（元）"), **MONEY, null=True, blank=True, validators=NON_NEGATIVE
    )
    hours = models.DecimalField(
        _("志愿服务时数"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    source = models.CharField(_("来源（捐赠方/志愿者）"), max_length=120, blank=True)
    description = models.CharField(_("内容"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = Scope(
        station="station",
        subdistrict="station__subdistrict",
        district="station__district",
        via_assignment=True,
    )
    scope_actions = {
        "view": READERS,
        "add": PREPARERS,
        "change": PREPARERS,
        "delete": PREPARERS,
    }
    objects = ScopedManager()

    class Meta:
        verbose_name = _("社会资源")
        verbose_name_plural = _("社会资源")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["service_year", "station"], name="funding_resource_year_idx")
        ]
        constraints = [
            models.CheckConstraint(
                name="funding_socialresource_measure_matches_kind",
                condition=(
                    Q(kind=ResourceKind.TIME_BANK, hours__gt=0, amount__isnull=True)
                    | (~Q(kind=ResourceKind.TIME_BANK) & Q(amount__gt=0, hours__isnull=True))
                ),
                violation_error_message=_("时间银行登记时数，其他类别登记金额。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount or self.hours}"

    @property
    def credits(self) -> Decimal | None:
        """Time-bank credits: 1 hour = 1 credit."""
        return self.hours
