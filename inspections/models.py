"""督查 (inspections): checklists, quarterly plans, visits, findings, rectification orders and
special campaigns.

Unannounced visits (随机暗访) stay secret until they start: every model that hangs off a
visit narrows ``restrict`` through ``restrict_extra`` (see ``inspections.secrecy``), and its
audit rows carry no station anchors, so nobody but the city and the assigned inspectors can
learn of one from a list, count, history, export, search or API response.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings as django_settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inspections import secrecy
from inspections.choices import (
    AnswerResult,
    Area,
    ChecklistKind,
    ChecklistStatus,
    MemberBody,
    PlanStatus,
    SampleMode,
    Severity,
    VisitMode,
    VisitStatus,
)
from portal.choices import ALL_ROLES, CITY_ROLES, Role
from portal.scoping import Scope, ScopedManager, ScopedModel
from portal.versioning import VersionedModel

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
WEIGHT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]

CITY_ONLY = {
    "view": CITY_ROLES,
    "add": CITY_ROLES,
    "change": CITY_ROLES,
    "delete": frozenset({Role.CITY_ADMIN}),
}
REFERENCE = {
    "view": ALL_ROLES,
    "add": CITY_ROLES,
    "change": CITY_ROLES,
    "delete": frozenset({Role.CITY_ADMIN}),
}
# The visit and what the inspectors record: the city plans, inspectors record, the station
# side and district/street officers read (once the visit is no longer secret).
VISIT_ACTIONS = {
    "view": ALL_ROLES - {Role.EVALUATOR},
    "add": CITY_ROLES | {Role.INSPECTOR},
    "change": CITY_ROLES | {Role.INSPECTOR},
    "delete": frozenset({Role.CITY_ADMIN}),
}


def _visit_scope(prefix: str, inspector_path: str) -> Scope:
    return Scope(
        station=f"{prefix}station",
        subdistrict=f"{prefix}station__subdistrict",
        district=f"{prefix}station__district",
        institution=f"{prefix}institution",
        assignees={Role.INSPECTOR: inspector_path},
    )


# --- settings and checklists ------------------------------------------------------------


class ChecklistTemplate(ScopedModel):
    """督查清单 (checklist template), versioned: a version used by a visit is frozen."""

    code = models.SlugField(_("清单代码"), max_length=40)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(
        _("用途"), max_length=12, choices=ChecklistKind.choices, default=ChecklistKind.QUARTERLY
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ChecklistStatus.choices, default=ChecklistStatus.DRAFT
    )
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = Scope(public=True)
    scope_actions = REFERENCE
    objects = ScopedManager()

    class Meta:
        verbose_name = _("督查清单")
        verbose_name_plural = _("督查清单")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="inspections_checklisttemplate_code_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"


class ChecklistItem(ScopedModel):
    """督查清单条目: one point to check, with guidance and the default severity of a failure."""

    template = models.ForeignKey(
        ChecklistTemplate,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("督查清单"),
    )
    code = models.CharField(_("条目编号"), max_length=20)
    area = models.CharField(_("领域"), max_length=20, choices=Area.choices)
    topic = models.CharField(
        _("分项"),
        max_length=40,
        blank=True,
        help_text=_("如标准化建设的人、场、物、设备、信息、废弃物及九个空间。"),
    )
    title = models.CharField(_("检查内容"), max_length=300)
    guidance = models.TextField(_("检查指引"), blank=True)
    default_severity = models.CharField(
        _("默认问题等级"), max_length=10, choices=Severity.choices, default=Severity.MINOR
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    scope = Scope(public=True)
    scope_actions = REFERENCE
    objects = ScopedManager()

    class Meta:
        verbose_name = _("督查清单条目")
        verbose_name_plural = _("督查清单条目")
        ordering = ["template_id", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "code"], name="inspections_checklistitem_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class InspectionSettings(ScopedModel):
    """督查参数: how the quarterly sample is drawn and when overdue orders escalate.

    Practice defaults, editable by the city officer; a plan records the version it used.
    """

    effective_from = models.DateField(_("生效日期"), unique=True)
    sample_mode = models.CharField(
        _("抽取方式"), max_length=8, choices=SampleMode.choices, default=SampleMode.RATE
    )
    sample_rate = models.DecimalField(
        _("每区抽取比例（%）"),
        max_digits=5,
        decimal_places=2,
        validators=PERCENT,
        default=Decimal("25.00"),
    )
    sample_count = models.PositiveIntegerField(_("每区抽取数量"), default=5)
    min_per_district = models.PositiveIntegerField(_("每区最少抽取数"), default=1)
    unannounced_percent = models.DecimalField(
        _("暗访比例（%）"),
        max_digits=5,
        decimal_places=2,
        validators=PERCENT,
        default=Decimal("30.00"),
    )
    weight_grade_failed = models.DecimalField(
        _("上次评估不合格加权"),
        max_digits=5,
        decimal_places=2,
        validators=WEIGHT,
        default=Decimal("3.00"),
    )
    weight_grade_pass = models.DecimalField(
        _("上次评估合格（非良好以上）加权"),
        max_digits=5,
        decimal_places=2,
        validators=WEIGHT,
        default=Decimal("1.00"),
    )
    weight_open_order = models.DecimalField(
        _("每张未关闭整改单加权"),
        max_digits=5,
        decimal_places=2,
        validators=WEIGHT,
        default=Decimal("0.50"),
    )
    weight_overdue_order = models.DecimalField(
        _("每张逾期整改单加权"),
        max_digits=5,
        decimal_places=2,
        validators=WEIGHT,
        default=Decimal("1.50"),
    )
    weight_under_floor = models.DecimalField(
        _("预计人员经费低于下限加权"),
        max_digits=5,
        decimal_places=2,
        validators=WEIGHT,
        default=Decimal("2.00"),
    )
    weight_complaint = models.DecimalField(
        _("每宗投诉加权"),
        max_digits=5,
        decimal_places=2,
        validators=WEIGHT,
        default=Decimal("0.50"),
    )
    complaint_cap = models.PositiveSmallIntegerField(_("投诉计数上限"), default=6)
    # When an overdue order is escalated is policy data now: the ``rectification`` ladder of
    # ``portal.models.DeadlineLadder`` (the city admin's policy page).
    repeat_window_days = models.PositiveSmallIntegerField(_("重复问题认定期（天）"), default=365)
    photo_max_mb = models.PositiveSmallIntegerField(_("照片/佐证大小上限（MB）"), default=10)
    default_checklist = models.ForeignKey(
        ChecklistTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("默认督查清单"),
    )
    note = models.TextField(_("说明"), blank=True, default="实践默认值，可由市级业务人员调整。")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = Scope()
    scope_actions = CITY_ONLY
    objects = ScopedManager()

    class Meta:
        verbose_name = _("督查参数")
        verbose_name_plural = _("督查参数")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"督查参数（{self.effective_from:%Y-%m-%d}起）"


# --- plans, campaigns, visits -----------------------------------------------------------


class QuarterPlan(ScopedModel):
    """季度督查计划: the quarter's draw (seed and inputs stored for audit) and its visits."""

    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(
        _("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    settings = models.ForeignKey(
        InspectionSettings,
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("督查参数"),
    )
    checklist = models.ForeignKey(
        ChecklistTemplate,
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("督查清单"),
    )
    seed = models.BigIntegerField(_("随机种子"))
    inputs = models.JSONField(_("抽取输入"), default=dict)
    result = models.JSONField(_("抽取结果"), default=dict)
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("确认人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = Scope()
    scope_actions = CITY_ONLY
    objects = ScopedManager()

    class Meta:
        verbose_name = _("季度督查计划")
        verbose_name_plural = _("季度督查计划")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter"], name="inspections_quarterplan_one_per_quarter"
            ),
            models.CheckConstraint(
                name="inspections_quarterplan_quarter_1_to_4",
                condition=Q(quarter__gte=1) & Q(quarter__lte=4),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年第{self.quarter}季度督查计划"

    @property
    def is_confirmed(self) -> bool:
        return self.status == PlanStatus.CONFIRMED

    # Audit rows of a plan carry no anchors (it is city-only and lists secret visits).
    def audit_anchors(self) -> dict:
        return {}


class Campaign(ScopedModel):
    """专项督查 (special campaign): a theme, chosen stations and institutions, a period."""

    name = models.CharField(_("名称"), max_length=120)
    theme = models.CharField(_("主题领域"), max_length=20, choices=Area.choices)
    description = models.TextField(_("说明"), blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    checklist = models.ForeignKey(
        ChecklistTemplate,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("督查清单"),
    )
    stations = models.ManyToManyField(
        "stations.Station", blank=True, related_name="+", verbose_name=_("督查社工站")
    )
    institutions = models.ManyToManyField(
        "stations.Institution", blank=True, related_name="+", verbose_name=_("督查承接机构")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = Scope()
    scope_actions = CITY_ONLY
    objects = ScopedManager()

    class Meta:
        verbose_name = _("专项督查")
        verbose_name_plural = _("专项督查")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                name="inspections_campaign_period_ordered",
                condition=Q(ends_on__gte=models.F("starts_on")),
                violation_error_message=_("结束日期不能早于开始日期。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_anchors(self) -> dict:
        return {}


class Inspection(VersionedModel, ScopedModel):
    """督查走访 (inspection visit): one station, scheduled (定期抽查) or unannounced (随机暗访)."""

    plan = models.ForeignKey(
        QuarterPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("季度计划"),
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("专项督查"),
    )
    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("社工站"),
    )
    # The institution running the station on the visit day (stations.selectors.operator_on).
    institution = models.ForeignKey(
        "stations.Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("承接机构"),
    )
    checklist = models.ForeignKey(
        ChecklistTemplate,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("督查清单"),
    )
    mode = models.CharField(
        _("方式"), max_length=12, choices=VisitMode.choices, default=VisitMode.SCHEDULED
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    scheduled_on = models.DateField(_("计划日期"))
    added_by_hand = models.BooleanField(_("人工加入"), default=False)
    draw_reason = models.CharField(_("入选原因"), max_length=40, blank=True)

    @property
    def draw_reason_label(self) -> str:
        """The reason in words (``choices.DRAW_REASON_LABELS``); an unknown code as stored."""
        from inspections.choices import DRAW_REASON_LABELS

        return str(DRAW_REASON_LABELS.get(self.draw_reason, self.draw_reason))

    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    representative_name = models.CharField(_("站方在场代表"), max_length=40, blank=True)
    representative_title = models.CharField(_("代表职务"), max_length=60, blank=True)
    summary = models.TextField(_("总体意见"), blank=True)
    signed_off_at = models.DateTimeField(_("签署时间"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("签署人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = _visit_scope("", "team__user")
    scope_actions = VISIT_ACTIONS
    objects = ScopedManager()

    class Meta:
        verbose_name = _("督查走访")
        verbose_name_plural = _("督查走访")
        ordering = ["-scheduled_on", "station_id"]
        indexes = [
            models.Index(fields=["plan", "status"], name="inspections_visit_plan_idx"),
            models.Index(fields=["station", "-scheduled_on"], name="inspections_visit_station_idx"),
            models.Index(fields=["mode", "scheduled_on"], name="inspections_visit_mode_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "station"],
                condition=Q(plan__isnull=False),
                name="inspections_inspection_once_per_plan",
            ),
            models.UniqueConstraint(
                fields=["campaign", "station"],
                condition=Q(campaign__isnull=False),
                name="inspections_inspection_once_per_campaign",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.scheduled_on:%Y-%m-%d}"

    @property
    def is_signed_off(self) -> bool:
        return self.status == VisitStatus.SIGNED_OFF

    @classmethod
    def restrict_extra(cls, qs, *, user, action, assignments):
        return secrecy.hide_secret_visits(qs, "pk", user=user, assignments=assignments)

    def audit_anchors(self) -> dict:
        return secrecy.audit_anchors_for(self, self)


class InspectionTeamMember(ScopedModel):
    """督查组成员: an inspector assigned to a visit, and the body they come from."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="team", verbose_name=_("督查走访")
    )
    user = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="inspection_teams",
        verbose_name=_("督查人员"),
    )
    body = models.CharField(_("所属单位"), max_length=24, choices=MemberBody.choices)
    is_lead = models.BooleanField(_("组长"), default=False)

    scope = _visit_scope("inspection__", "inspection__team__user")
    scope_actions = {**VISIT_ACTIONS, "add": CITY_ROLES, "change": CITY_ROLES}
    objects = ScopedManager()

    class Meta:
        verbose_name = _("督查组成员")
        verbose_name_plural = _("督查组成员")
        ordering = ["inspection_id", "-is_lead", "user_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "user"], name="inspections_teammember_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_body_display()}"

    @classmethod
    def restrict_extra(cls, qs, *, user, action, assignments):
        return secrecy.hide_secret_visits(qs, "inspection", user=user, assignments=assignments)

    def audit_anchors(self) -> dict:
        return secrecy.audit_anchors_for(self, self.inspection)


class InspectionAnswer(ScopedModel):
    """检查结果: the answer to one checklist item on a visit."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="answers", verbose_name=_("督查走访")
    )
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="answers", verbose_name=_("清单条目")
    )
    result = models.CharField(_("结果"), max_length=4, choices=AnswerResult.choices)
    note = models.TextField(_("备注"), blank=True)
    answered_at = models.DateTimeField(auto_now=True)

    scope = _visit_scope("inspection__", "inspection__team__user")
    scope_actions = VISIT_ACTIONS
    objects = ScopedManager()

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        ordering = ["inspection_id", "item__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "item"], name="inspections_answer_once_per_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.get_result_display()}"

    @classmethod
    def restrict_extra(cls, qs, *, user, action, assignments):
        return secrecy.hide_secret_visits(qs, "inspection", user=user, assignments=assignments)

    def audit_anchors(self) -> dict:
        return secrecy.audit_anchors_for(self, self.inspection)


class InspectionPhoto(ScopedModel):
    """现场照片: a photo taken on a visit, optionally for one checklist item."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="photos", verbose_name=_("督查走访")
    )
    item = models.ForeignKey(
        ChecklistItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("清单条目"),
    )
    file = models.FileField(_("照片"), upload_to="inspections/photos/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    # portal.audit cannot serialise a FieldFile; the name is kept in ``caption``/``name``.
    audit_hidden_fields = ("file",)
    scope = _visit_scope("inspection__", "inspection__team__user")
    scope_actions = VISIT_ACTIONS
    objects = ScopedManager()

    class Meta:
        verbose_name = _("现场照片")
        verbose_name_plural = _("现场照片")
        ordering = ["inspection_id", "uploaded_at"]

    def __str__(self) -> str:
        return self.caption or self.file.name

    @classmethod
    def restrict_extra(cls, qs, *, user, action, assignments):
        return secrecy.hide_secret_visits(qs, "inspection", user=user, assignments=assignments)

    def audit_anchors(self) -> dict:
        return secrecy.audit_anchors_for(self, self.inspection)


class Finding(ScopedModel):
    """发现问题: a problem found on a visit; each becomes a rectification order."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="findings", verbose_name=_("督查走访")
    )
    item = models.ForeignKey(
        ChecklistItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("清单条目"),
    )
    # Copied from the visit and the item so boards and the heat map group without joins.
    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="inspection_findings",
        verbose_name=_("社工站"),
    )
    area = models.CharField(_("领域"), max_length=20, choices=Area.choices)
    severity = models.CharField(_("问题等级"), max_length=10, choices=Severity.choices)
    description = models.TextField(_("问题描述"))
    repeat_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("重复出现的问题"),
    )
    found_on = models.DateField(_("发现日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    scope = Scope(
        station="station",
        subdistrict="station__subdistrict",
        district="station__district",
        institution="inspection__institution",
        assignees={Role.INSPECTOR: "inspection__team__user"},
    )
    scope_actions = VISIT_ACTIONS
    objects = ScopedManager()

    class Meta:
        verbose_name = _("发现问题")
        verbose_name_plural = _("发现问题")
        ordering = ["-found_on", "pk"]
        indexes = [
            models.Index(
                fields=["station", "item", "found_on"], name="inspections_finding_rep_idx"
            ),
            models.Index(fields=["area", "severity"], name="inspections_finding_area_idx"),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_repeat(self) -> bool:
        return self.repeat_of_id is not None

    @classmethod
    def restrict_extra(cls, qs, *, user, action, assignments):
        return secrecy.hide_secret_visits(qs, "inspection", user=user, assignments=assignments)

    def audit_anchors(self) -> dict:
        return secrecy.audit_anchors_for(self, self.inspection)
