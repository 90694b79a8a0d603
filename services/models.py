"""服务 (services): what the stations deliver, to whom, and how much.

- The catalogue (113X tiers, service fields, target groups, service kinds) is versioned
  reference data the city officer edits; a version is frozen once a record uses it.
- 服务对象 (service users) are personal information protected by PIPL; some are sensitive
  (minors, disability, community drug rehabilitation, community correction). Only the serving
  station sees them by name; the city admin opens one with a stated reason; every read of a
  sensitive one is audited (``services.services.users``). ID numbers are stored as
  ``portal.crypto`` stores them for talent: ciphertext, keyed hash, masked form.
- 服务记录 (service records) are summed into monthly aggregates that boards read, and into
  the 服务月报 (monthly service report) the station manager submits for review.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.choices import ALL_ROLES, CITY_ROLES, Role
from portal.scoping import Scope, ScopedModel
from portal.versioning import VersionedModel
from services.choices import CaseStep, ConsentMethod, Gender, KindCode, ReportStatus

OPERATING = frozenset(
    {
        Role.CITY_ADMIN,
        Role.CITY_OFFICER,
        Role.DISTRICT_OFFICER,
        Role.SUBDISTRICT_OFFICER,
        Role.INSTITUTION_ADMIN,
        Role.STATION_MANAGER,
    }
)
NOBODY: frozenset[str] = frozenset()

# The city officer keeps the catalogue (DESIGN.md 4: uncertain lists are editable data).
CATALOGUE_ACTIONS = {
    "view": ALL_ROLES,
    "add": CITY_ROLES,
    "change": CITY_ROLES,
    "delete": frozenset({Role.CITY_ADMIN}),
}
POLICY_ACTIONS = {
    "view": ALL_ROLES,
    "add": frozenset({Role.CITY_ADMIN}),
    "change": frozenset({Role.CITY_ADMIN}),
    "delete": frozenset({Role.CITY_ADMIN}),
}
# People by name: the serving station, its institution (not the sensitive ones) and the city
# admin (with a stated reason). Districts, streets/towns and city officers see counts only.
PEOPLE_ACTIONS = {
    "view": frozenset({Role.STATION_MANAGER, Role.INSTITUTION_ADMIN, Role.CITY_ADMIN}),
    "add": frozenset({Role.STATION_MANAGER, Role.CITY_ADMIN}),
    "change": frozenset({Role.STATION_MANAGER, Role.CITY_ADMIN}),
    "delete": frozenset({Role.CITY_ADMIN}),
}
ATTENDANCE_ACTIONS = {
    "view": frozenset({Role.STATION_MANAGER, Role.CITY_ADMIN}),
    "add": frozenset({Role.STATION_MANAGER, Role.CITY_ADMIN}),
    "change": frozenset({Role.STATION_MANAGER, Role.CITY_ADMIN}),
    "delete": frozenset({Role.STATION_MANAGER, Role.CITY_ADMIN}),
}
RECORD_ACTIONS = {
    "view": OPERATING,
    "add": frozenset({Role.STATION_MANAGER, Role.CITY_ADMIN}),
    "change": frozenset({Role.STATION_MANAGER, Role.CITY_ADMIN}),
    "delete": frozenset({Role.STATION_MANAGER, Role.CITY_ADMIN}),
}
REVIEW, APPROVE = "review", "approve"
REPORT_ACTIONS = {
    "view": OPERATING,
    "add": NOBODY,  # the monthly task opens reports
    "change": frozenset({Role.STATION_MANAGER, Role.CITY_ADMIN}),
    REVIEW: frozenset({Role.SUBDISTRICT_OFFICER, Role.CITY_ADMIN}),
    APPROVE: frozenset({Role.DISTRICT_OFFICER, Role.CITY_ADMIN}),
    "delete": NOBODY,
}
TARGET_ACTIONS = {
    "view": OPERATING,
    "add": frozenset(
        {Role.CITY_ADMIN, Role.CITY_OFFICER, Role.DISTRICT_OFFICER, Role.SUBDISTRICT_OFFICER}
    ),
    "change": frozenset(
        {Role.CITY_ADMIN, Role.CITY_OFFICER, Role.DISTRICT_OFFICER, Role.SUBDISTRICT_OFFICER}
    ),
    "delete": frozenset({Role.CITY_ADMIN}),
}
AGGREGATE_ACTIONS = {"view": OPERATING, "add": NOBODY, "change": NOBODY, "delete": NOBODY}

STATION_SCOPE = Scope(
    station="station", subdistrict="station__subdistrict", district="station__district"
)

# PIPL art. 28: the personal information of minors under 14 is sensitive; the portal is
# stricter and treats everyone who may still be under 18 in a year as a minor.
MINOR_AGE = 18


def minor_born_after(on: date) -> int:
    """Birth years later than this are (or may still be) minors in ``on``'s year."""
    return on.year - MINOR_AGE - 1


def sensitive_q(on: date, prefix: str = "") -> Q:
    """Service users whose records are sensitive personal information on ``on``."""
    return Q(**{f"{prefix}is_sensitive": True}) | Q(
        **{f"{prefix}birth_year__gt": minor_born_after(on)}
    )


# --- the catalogue ----------------------------------------------------------------------------


class CatalogueVersion(ScopedModel):
    """服务目录版本: the 113X tiers, fields, target groups and kinds in force from a date.

    Frozen (``frozen_at``) once a service record uses it: counts already reported keep their
    meaning; a change is a new version from a later date.
    """

    name = models.CharField(_("版本名称"), max_length=120)
    effective_from = models.DateField(_("生效日期"), unique=True)
    source = models.TextField(_("依据"), blank=True)
    frozen_at = models.DateTimeField(_("冻结时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    scope = Scope(public=True)
    scope_actions = CATALOGUE_ACTIONS

    class Meta:
        verbose_name = _("服务目录版本")
        verbose_name_plural = _("服务目录版本")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.name}（{self.effective_from:%Y-%m-%d}起）"


class CatalogueItem(ScopedModel):
    version = models.ForeignKey(CatalogueVersion, on_delete=models.CASCADE)
    code = models.CharField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=80)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    scope = Scope(public=True)
    scope_actions = CATALOGUE_ACTIONS

    class Meta:
        abstract = True
        ordering = ["version", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class Tier(CatalogueItem):
    """113X 服务模式的层级 (穗民〔2019〕314号). The words of each tier are editable: the
    meaning of each digit is not confirmed (RULES.md, Services, "service model")."""

    class Meta(CatalogueItem.Meta):
        verbose_name = _("113X层级")
        verbose_name_plural = _("113X层级")
        default_related_name = "tiers"
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="services_tier_code_unique")
        ]


class ServiceField(CatalogueItem):
    """服务领域 (elderly, youth, ...; RULES.md "service fields", reply letter)."""

    sensitive = models.BooleanField(
        _("敏感领域"),
        default=False,
        help_text=_("社区戒毒、社区矫正等：服务对象属敏感个人信息（个人信息保护法第28条）。"),
    )
    tier = models.ForeignKey(
        Tier, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("113X层级")
    )

    class Meta(CatalogueItem.Meta):
        verbose_name = _("服务领域")
        verbose_name_plural = _("服务领域")
        default_related_name = "fields"
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="services_field_code_unique")
        ]


class TargetGroup(CatalogueItem):
    """服务对象类别 (穗府办〔2023〕7号 art. 4), with the 兜底 (basic guarantee) flag."""

    basic_guarantee = models.BooleanField(_("兜底保障对象"), default=False)
    sensitive = models.BooleanField(
        _("敏感类别"), default=False, help_text=_("未成年人、残疾人等：属敏感个人信息。")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级类别"),
    )

    class Meta(CatalogueItem.Meta):
        verbose_name = _("服务对象类别")
        verbose_name_plural = _("服务对象类别")
        default_related_name = "target_groups"
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="services_group_code_unique")
        ]


class ServiceKind(CatalogueItem):
    """服务类型 (个案、小组、社区活动、探访、咨询转介) and what one record of it may count."""

    kind = models.CharField(_("类型"), max_length=20, choices=KindCode.choices)
    max_person_times = models.PositiveIntegerField(
        _("单条记录人次上限"),
        validators=[MinValueValidator(1)],
        help_text=_("未知：无公开规定，超过即视为录入错误（如一次探访5000人次）。"),
    )
    max_hours = models.DecimalField(
        _("单条记录时长上限（小时）"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
        default=Decimal("8.00"),
    )

    class Meta(CatalogueItem.Meta):
        verbose_name = _("服务类型")
        verbose_name_plural = _("服务类型")
        default_related_name = "kinds"
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="services_kind_code_unique"),
            models.UniqueConstraint(fields=["version", "kind"], name="services_kind_kind_unique"),
        ]


class ServicePolicy(ScopedModel):
    """服务政策参数: thresholds of the services app in force from a date (DESIGN.md 4)."""

    name = models.CharField(_("版本名称"), max_length=120)
    effective_from = models.DateField(_("生效日期"), unique=True)
    report_due_day = models.PositiveSmallIntegerField(
        _("服务月报提交截止日（次月第几日）"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("未知：暂设次月10日前提交（RULES.md 服务“monthly service report due”）。"),
    )
    projection_warning_percent = models.DecimalField(
        _("目标预警线（预计完成率%）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100.00"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
        help_text=_("未知：按当前进度预计全年完成率低于此值即预警，暂设100%。"),
    )

    scope = Scope(public=True)
    scope_actions = POLICY_ACTIONS

    class Meta:
        verbose_name = _("服务政策参数")
        verbose_name_plural = _("服务政策参数")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return self.name


# --- service users ----------------------------------------------------------------------------


class ServiceUser(VersionedModel, ScopedModel):
    """服务对象: a resident a station serves. Personal information under PIPL.

    ``is_sensitive`` is kept by the services from the target groups and fields; minors are
    recognised from the birth year at read time (``sensitive_q``).
    """

    station = models.ForeignKey(
        "stations.Station", on_delete=models.PROTECT, related_name="+", verbose_name=_("社工站")
    )
    community = models.ForeignKey(
        "stations.Community",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("村居"),
    )
    name = models.CharField(_("姓名"), max_length=40, blank=True)
    gender = models.CharField(_("性别"), max_length=10, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("出生年份"), null=True, blank=True)
    contact = models.CharField(_("联系方式"), max_length=40, blank=True)
    id_number_cipher = models.TextField(_("身份证号（密文）"), blank=True, editable=False)
    id_number_hash = models.CharField(
        _("身份证号检索码"), max_length=64, blank=True, editable=False, db_index=True
    )
    id_number_masked = models.CharField(_("身份证号"), max_length=18, blank=True, editable=False)
    target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="+", verbose_name=_("服务对象类别")
    )
    fields = models.ManyToManyField(
        ServiceField, blank=True, related_name="+", verbose_name=_("服务领域")
    )
    is_sensitive = models.BooleanField(_("敏感个人信息"), default=False, editable=False)
    basic_guarantee = models.BooleanField(_("兜底保障对象"), default=False, editable=False)

    consent_on = models.DateField(_("同意日期"))
    consent_method = models.CharField(_("同意方式"), max_length=12, choices=ConsentMethod.choices)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("同意记录人"),
    )
    withdrawn_on = models.DateField(_("撤回同意日期"), null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = STATION_SCOPE
    scope_actions = PEOPLE_ACTIONS
    audit_hidden_fields = ("id_number_cipher", "id_number_hash", "name", "contact")

    class Meta:
        verbose_name = _("服务对象")
        verbose_name_plural = _("服务对象")
        ordering = ["station", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "id_number_hash"],
                condition=~Q(id_number_hash=""),
                name="services_user_id_unique_per_station",
            )
        ]
        indexes = [
            models.Index(fields=["station", "name", "birth_year"], name="services_user_dup_idx")
        ]

    def __str__(self) -> str:
        # Not the name: ``str`` reaches the audit trail, admin and logs (PIPL minimisation).
        return f"服务对象#{self.pk}"

    @staticmethod
    def restrict_extra(qs, *, user, action, assignments):
        """Sensitive people: only their own station and the city admin, never the
        institution (PIPL art. 28-29; DESIGN.md 5)."""
        from portal import clock

        if user.is_superuser or any(a.role == Role.CITY_ADMIN for a in assignments):
            return qs
        own = [a.station_id for a in assignments if a.role == Role.STATION_MANAGER]
        return qs.filter(Q(station_id__in=own) | ~sensitive_q(clock.today()))

    def sensitive_on(self, on: date) -> bool:
        return self.is_sensitive or (
            self.birth_year is not None and self.birth_year > minor_born_after(on)
        )


# --- service records --------------------------------------------------------------------------


class ServiceRecord(VersionedModel, ScopedModel):
    """服务记录: one case session, group session, community activity, home visit or referral."""

    station = models.ForeignKey(
        "stations.Station", on_delete=models.PROTECT, related_name="+", verbose_name=_("社工站")
    )
    community = models.ForeignKey(
        "stations.Community",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("村居"),
    )
    service_on = models.DateField(_("服务日期"))
    catalogue = models.ForeignKey(
        CatalogueVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("目录版本")
    )
    kind = models.ForeignKey(
        ServiceKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("服务类型")
    )
    field = models.ForeignKey(
        ServiceField, on_delete=models.PROTECT, related_name="+", verbose_name=_("服务领域")
    )
    target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="+", verbose_name=_("服务对象类别")
    )
    workers = models.ManyToManyField(
        "talent.SocialWorker", blank=True, related_name="+", verbose_name=_("服务社工")
    )
    attendees = models.ManyToManyField(
        ServiceUser, through="Attendance", related_name="+", verbose_name=_("参与服务对象")
    )
    title = models.CharField(_("主题"), max_length=80)
    hours = models.DecimalField(
        _("时长（小时）"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25"))],
    )
    person_times = models.PositiveIntegerField(_("服务人次"))
    others_count = models.PositiveIntegerField(_("未登记参与人数"), default=0)
    case_step = models.CharField(_("个案进展"), max_length=10, choices=CaseStep.choices, blank=True)
    note = models.CharField(_("简要记录"), max_length=300, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = STATION_SCOPE
    scope_actions = RECORD_ACTIONS

    class Meta:
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        ordering = ["-service_on", "-pk"]
        indexes = [
            models.Index(fields=["station", "service_on"], name="services_record_station_idx"),
            models.Index(fields=["service_on"], name="services_record_day_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(person_times__gte=1), name="services_record_person_times_positive"
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="services_record_hours_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_on:%Y-%m-%d} {self.title}"


class Attendance(ScopedModel):
    """出席: a registered service user at a record (a case's client, a group's member)."""

    record = models.ForeignKey(ServiceRecord, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="attendance")

    scope = Scope(
        station="record__station",
        subdistrict="record__station__subdistrict",
        district="record__station__district",
    )
    scope_actions = ATTENDANCE_ACTIONS

    class Meta:
        verbose_name = _("出席记录")
        verbose_name_plural = _("出席记录")
        constraints = [
            models.UniqueConstraint(
                fields=["record", "user"], name="services_attendance_once_per_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_id}:{self.user_id}"


# --- aggregates (boards read only these) ------------------------------------------------------


class MonthlyAggregate(ScopedModel):
    """月度汇总: one station's month by service kind and field. Kept by record writes
    (``services.services.aggregates``) and a nightly task; boards read only this table."""

    station = models.ForeignKey(
        "stations.Station", on_delete=models.CASCADE, related_name="+", verbose_name=_("社工站")
    )
    district = models.ForeignKey(
        "stations.District", on_delete=models.CASCADE, related_name="+", verbose_name=_("区")
    )
    year = models.PositiveSmallIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"))
    kind = models.CharField(_("服务类型"), max_length=20, choices=KindCode.choices)
    field_code = models.CharField(_("服务领域"), max_length=40)
    records = models.PositiveIntegerField(_("记录数"), default=0)
    person_times = models.PositiveIntegerField(_("服务人次"), default=0)
    hours = models.DecimalField(_("服务时长"), max_digits=10, decimal_places=2, default=0)
    basic_guarantee_person_times = models.PositiveIntegerField(_("兜底服务人次"), default=0)
    cases_opened = models.PositiveIntegerField(_("开案数"), default=0)
    cases_closed = models.PositiveIntegerField(_("结案数"), default=0)

    scope = Scope(station="station", subdistrict="station__subdistrict", district="district")
    scope_actions = AGGREGATE_ACTIONS

    class Meta:
        verbose_name = _("服务月度汇总")
        verbose_name_plural = _("服务月度汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["station", "year", "month", "kind", "field_code"],
                name="services_monthlyaggregate_unique",
            )
        ]
        indexes = [
            models.Index(fields=["year", "month", "district"], name="services_agg_period_idx")
        ]

    def __str__(self) -> str:
        return f"{self.station_id} {self.year}-{self.month:02d} {self.kind}/{self.field_code}"


class GroupAggregate(ScopedModel):
    """月度汇总（按服务对象类别）: person-times per target group of a station's month."""

    station = models.ForeignKey(
        "stations.Station", on_delete=models.CASCADE, related_name="+", verbose_name=_("社工站")
    )
    district = models.ForeignKey(
        "stations.District", on_delete=models.CASCADE, related_name="+", verbose_name=_("区")
    )
    year = models.PositiveSmallIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"))
    group_code = models.CharField(_("服务对象类别"), max_length=40)
    basic_guarantee = models.BooleanField(_("兜底"), default=False)
    records = models.PositiveIntegerField(_("记录数"), default=0)
    person_times = models.PositiveIntegerField(_("服务人次"), default=0)

    scope = Scope(station="station", subdistrict="station__subdistrict", district="district")
    scope_actions = AGGREGATE_ACTIONS

    class Meta:
        verbose_name = _("服务对象类别月度汇总")
        verbose_name_plural = _("服务对象类别月度汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["station", "year", "month", "group_code"],
                name="services_groupaggregate_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.station_id} {self.year}-{self.month:02d} {self.group_code}"


# --- monthly service report -------------------------------------------------------------------


class MonthlyReport(VersionedModel, ScopedModel):
    """服务月报: a station's month, opened by the task on the 1st with the month's figures;
    the manager adds a narrative and submits; the street/town then the district review."""

    station = models.ForeignKey(
        "stations.Station", on_delete=models.PROTECT, related_name="+", verbose_name=_("社工站")
    )
    year = models.PositiveSmallIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(
        _("月"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    status = models.CharField(
        _("状态"), max_length=24, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    due_on = models.DateField(_("提交截止日"))
    policy = models.ForeignKey(
        ServicePolicy, on_delete=models.PROTECT, related_name="+", verbose_name=_("政策参数")
    )
    figures = models.JSONField(_("月度数据"), default=dict)
    narrative = models.TextField(_("工作综述"), blank=True)
    highlights = models.TextField(_("亮点与成效"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("镇街审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("区审核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    return_reason = models.CharField(_("退回原因"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope = STATION_SCOPE
    scope_actions = REPORT_ACTIONS

    class Meta:
        verbose_name = _("服务月报")
        verbose_name_plural = _("服务月报")
        ordering = ["-year", "-month", "station"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "year", "month"], name="services_report_once_per_month"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12), name="services_report_month_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月服务月报"


# --- targets ----------------------------------------------------------------------------------


class ServiceTarget(VersionedModel, ScopedModel):
    """服务指标: a contract year's service targets (set per tender, e.g. 35,244 direct service
    hours a year in one 2023 tender; RULES.md "service targets per contract year")."""

    contract = models.OneToOneField(
        "stations.Contract",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("服务合同"),
    )
    station = models.ForeignKey(
        "stations.Station", on_delete=models.PROTECT, related_name="+", verbose_name=_("社工站")
    )
    service_year = models.PositiveSmallIntegerField(_("服务年度"))
    direct_hours = models.DecimalField(
        _("直接服务时长（小时）"), max_digits=10, decimal_places=2, default=0
    )
    person_times = models.PositiveIntegerField(_("服务人次"), default=0)
    cases = models.PositiveIntegerField(_("个案数"), default=0)
    groups = models.PositiveIntegerField(_("小组节数"), default=0)
    activities = models.PositiveIntegerField(_("社区活动场次"), default=0)

    scope = STATION_SCOPE
    scope_actions = TARGET_ACTIONS

    class Meta:
        verbose_name = _("服务指标")
        verbose_name_plural = _("服务指标")
        ordering = ["-service_year", "station"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "service_year"], name="services_target_once_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_year}年度服务指标"
