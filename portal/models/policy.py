"""Policy data: the versioned numbers the portal enforces (``PolicyVersion``) and the deadline
ladders that belong to each version (``DeadlineLadder``).

How policy grows (decision, issue 11)
-------------------------------------
``PolicyVersion`` is one wide table in the portal core: every new number is a portal
migration, and the core ends up owning numbers only one domain app reads. Policy grows
instead along two shapes, both keyed to a ``PolicyVersion`` so a single effective date and
one frozen-once-in-force rule (``portal.services.policy``) still govern everything:

1. **Rows, not columns, for repeated shapes.** A family of numbers with the same shape per
   kind is a child table keyed ``(policy, kind)``: ``DeadlineLadder`` holds one reminder and
   escalation ladder per ``DeadlineKind``; a new kind of deadline is a new choice value and a
   seeded row, not a column. A version that lacks a row reads the latest earlier version's
   (``portal.selectors.ladder_in_force``), and a new version copies the rows in force.
2. **Per-app policy tables for an app's own numbers** (target; not built yet). An app whose
   numbers only it reads keeps them in ``<app>.models.<App>Policy`` with a
   ``OneToOneField(PolicyVersion, primary_key=True, related_name="<app>")``, its own
   migrations and a selector ``<app>.selectors.<app>_policy(on)`` that goes through
   ``policy_in_force``; the policy page lists the registered tables of the apps. Inspection
   settings (``inspections.InspectionSettings``, today versioned by its own date) fold into
   such a table; the talent, evaluation and funding fields of ``PolicyVersion`` move to theirs
   with a data migration when each app is next touched.

Until (2) exists, a number that several apps read, or that the portal core must show on the
policy page, is still added here as a column with its source in ``help_text`` (as
``failed_evaluation_order_severity`` was); numbers read by one app only should wait for that
app's table rather than widen this one.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from portal.choices import DeadlineKind, Role
from portal.scoping import Scope, ScopedManager, ScopedModel
from portal.versioning import VersionedModel

# The severities of a rectification order, as ``rectification_days_for`` reads them (the
# inspections app labels its findings with the same values).
SEVERITY_CHOICES = [("minor", _("一般")), ("major", _("较重")), ("critical", _("严重"))]
PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
POSITIVE_MONEY = [MinValueValidator(Decimal("0.00"))]


class PolicyVersion(VersionedModel, ScopedModel):
    """政策参数版本: the thresholds the portal enforces, in force from a date.

    A budget, cycle or contract is judged by the version in force for its service year, and
    the result records which version judged it. Each field cites its source; fields whose
    source is unknown carry a stated default (see ``../shared/domain/RULES.md``).
    """

    name = models.CharField(_("版本名称"), max_length=120)
    effective_from = models.DateField(_("生效日期"), unique=True)
    source = models.TextField(_("政策依据"), blank=True)
    note = models.TextField(_("说明"), blank=True)

    # Money: 穗府办规〔2018〕13号 (confirmed).
    standard_annual_fee = models.DecimalField(
        _("标准社工站年度项目经费（元）"),
        max_digits=12,
        decimal_places=2,
        validators=POSITIVE_MONEY,
        default=Decimal("2400000.00"),
        help_text=_("穗府办规〔2018〕13号：每个社工站项目每年240万元（确定）。"),
    )
    personnel_floor_percent = models.DecimalField(
        _("人员经费最低占比（%）"),
        max_digits=5,
        decimal_places=2,
        validators=PERCENT,
        default=Decimal("65.00"),
        help_text=_("穗府办规〔2018〕13号：人员支出不低于项目经费的65%（确定）。"),
    )
    talent_training_budget = models.DecimalField(
        _("人才培养年度预算（元）"),
        max_digits=12,
        decimal_places=2,
        validators=POSITIVE_MONEY,
        default=Decimal("3000000.00"),
        help_text=_("市民政局2020年答复函：每年300万元（确定）。"),
    )
    contract_term_years = models.PositiveSmallIntegerField(
        _("合同周期（年）"),
        default=3,
        help_text=_("2023年海珠区招标：3年一周期、一年一签（实践）。"),
    )

    # Spending reports and the year-end result: no published text fixes them; stated defaults.
    spending_report_period = models.CharField(
        _("经费支出报告周期"),
        max_length=10,
        choices=[("monthly", _("月度")), ("quarterly", _("季度"))],
        default="monthly",
        help_text=_("未知：无公开规定，暂按月度报告；区要求按季度报告时改为季度。"),
    )
    spending_report_due_days = models.PositiveSmallIntegerField(
        _("支出报告提交期限（期间结束后天数）"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("未知：暂设报告期间结束后15天内提交，逾期提醒社工站和承接机构。"),
    )
    funding_finalise_grace_days = models.PositiveSmallIntegerField(
        _("年度人员经费占比确定宽限期（天）"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text=_("未知：暂设年度结束后90天内（或12个月报告全部确认时）确定当年人员经费占比。"),
    )

    # Evaluation grade bands: unknown for Guangzhou; Shenzhen 2021 bands as defaults.
    grade_excellent_min = models.DecimalField(
        _("优秀最低分"),
        max_digits=5,
        decimal_places=2,
        validators=PERCENT,
        default=Decimal("90.00"),
        help_text=_("未知：暂用深圳2021年标准，优秀≥90。"),
    )
    grade_good_min = models.DecimalField(
        _("良好最低分"),
        max_digits=5,
        decimal_places=2,
        validators=PERCENT,
        default=Decimal("80.00"),
        help_text=_("未知：暂用深圳2021年标准，良好≥80。"),
    )
    grade_pass_min = models.DecimalField(
        _("合格最低分"),
        max_digits=5,
        decimal_places=2,
        validators=PERCENT,
        default=Decimal("60.00"),
        help_text=_("未知：暂用深圳2021年标准，合格≥60。"),
    )

    # People: 民发〔2009〕44号 and 123号 (confirmed); staffing from practice.
    registration_valid_years = models.PositiveSmallIntegerField(
        _("登记有效期（年）"),
        default=3,
        help_text=_("民发〔2009〕44号：有效期3年（确定）。"),
    )
    registration_first_within_years = models.PositiveSmallIntegerField(
        _("取证后首次登记期限（年）"),
        default=1,
        help_text=_("民发〔2009〕44号：取得证书1年内首次登记（确定）。"),
    )
    registration_renewal_window_months = models.PositiveSmallIntegerField(
        _("续期办理窗口（月）"),
        default=3,
        help_text=_("民发〔2009〕44号：有效期满前3个月内办理续期（确定）。"),
    )
    ce_hours_assistant = models.PositiveSmallIntegerField(
        _("助理社会工作师继续教育学时"),
        default=72,
        help_text=_("民发〔2009〕123号：每个登记有效期不少于72小时（确定）。"),
    )
    ce_hours_intermediate = models.PositiveSmallIntegerField(
        _("社会工作师继续教育学时"),
        default=90,
        help_text=_("民发〔2009〕123号：每个登记有效期不少于90小时（确定）。"),
    )
    ce_hours_senior = models.PositiveSmallIntegerField(
        _("高级社会工作师继续教育学时"),
        default=90,
        help_text=_("民发〔2009〕123号：每个登记有效期不少于90小时（确定）。"),
    )
    staff_per_station = models.PositiveSmallIntegerField(
        _("每站标准社工人数"),
        default=20,
        help_text=_("番禺区2022年答复、海珠区2023年招标：每站20名社工（实践）。"),
    )
    certificate_holder_min_percent = models.DecimalField(
        _("持证社工最低占比（%）"),
        max_digits=5,
        decimal_places=2,
        validators=PERCENT,
        default=Decimal("60.00"),
        help_text=_("未知：无公开标准，暂设60%，请按招标文件调整。"),
    )

    # Services: reply letter (confirmed).
    community_days_per_week = models.PositiveSmallIntegerField(
        _("一社区一社工每周驻点天数"),
        default=3,
        help_text=_("市民政局2020年答复函：每周在社区定点服务3天以上（确定）。"),
    )

    # Inspection: rectification deadlines are unknown; stated defaults by severity.
    rectification_days_minor = models.PositiveSmallIntegerField(
        _("一般问题整改期限（天）"),
        default=30,
        help_text=_("未知：暂设30天。"),
    )
    rectification_days_major = models.PositiveSmallIntegerField(
        _("较重问题整改期限（天）"),
        default=15,
        help_text=_("未知：暂设15天。"),
    )
    rectification_days_critical = models.PositiveSmallIntegerField(
        _("严重问题整改期限（天）"),
        default=7,
        help_text=_("未知：暂设7天。"),
    )

    failed_evaluation_order_severity = models.CharField(
        _("评估不合格整改单严重程度"),
        max_length=10,
        choices=SEVERITY_CHOICES,
        default="major",
        help_text=_(
            "未知：广州评估不合格的后果无公开规定（外市：不合格者整改、次年不得参与投标），"
            "暂按较重问题开具整改单，整改期限随之按较重问题计算。"
        ),
    )

    # Time bank: 2019 launch rules (practice).
    timebank_redeem_min_hours = models.PositiveSmallIntegerField(
        _("时间银行起兑时数"),
        default=100,
        help_text=_("2019年时间银行规则：满100小时可兑换（实践）。"),
    )
    timebank_credit_cap = models.PositiveIntegerField(
        _("时间银行积分上限"),
        default=1500,
        help_text=_("2019年时间银行规则：上限1500积分（实践）。"),
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Every signed-in user may read the policy in force; only the city admin edits it.
    scope = Scope(public=True)
    scope_actions = {
        "view": frozenset(Role),
        "add": frozenset({Role.CITY_ADMIN}),
        "change": frozenset({Role.CITY_ADMIN}),
        "delete": frozenset(),
    }

    objects = ScopedManager()

    class Meta:
        verbose_name = _("政策参数版本")
        verbose_name_plural = _("政策参数版本")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                name="portal_policyversion_grade_bands_ordered",
                condition=models.Q(grade_excellent_min__gt=models.F("grade_good_min"))
                & models.Q(grade_good_min__gt=models.F("grade_pass_min")),
                violation_error_message=_("等级分数线须依次递减：优秀 > 良好 > 合格。"),
            ),
            models.CheckConstraint(
                name="portal_policyversion_floor_is_percent",
                condition=models.Q(personnel_floor_percent__gte=0)
                & models.Q(personnel_floor_percent__lte=100),
                violation_error_message=_("人员经费占比须在0到100之间。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.effective_from:%Y-%m-%d}起）"

    def ce_hours_for(self, level: str) -> int:
        """Continuing-education hours per registration period for a certificate level."""
        return {
            "assistant": self.ce_hours_assistant,
            "intermediate": self.ce_hours_intermediate,
            "senior": self.ce_hours_senior,
        }[level]

    def rectification_days_for(self, severity: str) -> int:
        return {
            "minor": self.rectification_days_minor,
            "major": self.rectification_days_major,
            "critical": self.rectification_days_critical,
        }[severity]


class DeadlineLadder(ScopedModel):
    """期限提醒与逾期升级: the one ladder of a kind of deadline, part of a policy version.

    ``remind_before_days`` are the horizons (days before the deadline) at which those who still
    owe something are reminded; each ``*_after_days`` is the number of days late from which
    that level (station, institution, district, city) is told; empty: that level is never
    told. A version need not carry every kind: the ladder in force is the one of the latest
    version effective by then that has one (``portal.selectors.ladder_in_force``); a new
    version copies the ladders of the version before it (``policy_version_create``). Like
    the rest of a version, a ladder is frozen once its version is in force.
    """

    policy = models.ForeignKey(
        PolicyVersion,
        on_delete=models.CASCADE,
        related_name="ladders",
        verbose_name=_("政策参数版本"),
    )
    kind = models.CharField(_("期限类型"), max_length=24, choices=DeadlineKind.choices)
    # A JSON list of day counts (not a PostgreSQL array): the demo and `make run` use SQLite.
    remind_before_days = models.JSONField(
        verbose_name=_("提前提醒（到期前天数）"),
        default=list,
        blank=True,
        help_text=_("到期前第几天提醒，多个用逗号分隔，例如 90,30,7；留空则不提前提醒。"),
    )
    station_after_days = models.PositiveSmallIntegerField(
        _("逾期多少天告知社工站"), null=True, blank=True
    )
    institution_after_days = models.PositiveSmallIntegerField(
        _("逾期多少天升级至承接机构"), null=True, blank=True
    )
    district_after_days = models.PositiveSmallIntegerField(
        _("逾期多少天升级至区民政局"), null=True, blank=True
    )
    city_after_days = models.PositiveSmallIntegerField(
        _("逾期多少天升级至市民政局"), null=True, blank=True
    )
    source = models.TextField(_("依据与确定性"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = Scope(public=True)
    scope_actions = PolicyVersion.scope_actions

    objects = ScopedManager()

    class Meta:
        verbose_name = _("期限提醒与逾期升级")
        verbose_name_plural = _("期限提醒与逾期升级")
        ordering = ["policy", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "kind"],
                name="portal_deadlineladder_one_per_kind",
                violation_error_message=_("同一政策参数版本的每种期限只有一条提醒与升级规则。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.policy}）"

    AFTER_FIELDS = (
        "station_after_days",
        "institution_after_days",
        "district_after_days",
        "city_after_days",
    )

    def as_rule(self):
        """The ladder as ``portal.rules`` reads it."""
        from portal.rules import Ladder

        return Ladder(
            remind_before=tuple(sorted(set(self.remind_before_days or ()), reverse=True)),
            station_after=self.station_after_days,
            institution_after=self.institution_after_days,
            district_after=self.district_after_days,
            city_after=self.city_after_days,
        )

    def clean(self):
        from portal.rules import ladder_problems

        problems = ladder_problems(
            self.remind_before_days or (), [getattr(self, f) for f in self.AFTER_FIELDS]
        )
        if problems:
            raise ValidationError({k: _gettext(v) for k, v in problems.items()})
