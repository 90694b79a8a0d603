"""People of the social-work stations: 社工 (social workers), their employment, certificates,
registration and continuing education, the city's training programmes, and honours.

Citizen ID numbers are never stored in clear: ``SocialWorker`` keeps a Fernet ciphertext,
a keyed hash for look-up by the full number and the masked form shown on screen
(``portal.crypto``). A handful of per-person figures (highest certificate, current
registration, its continuing-education hours) are kept on ``SocialWorker`` by the services so
the staffing board and lists aggregate one table instead of four at nation scale.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.choices import CITY_ROLES, Role
from portal.scoping import VIEW, Scope, ScopedManager, ScopedModel, ScopedQuerySet
from portal.versioning import VersionedModel
from talent.choices import (
    CEHourSource,
    CertificateLevel,
    EducationLevel,
    EmploymentType,
    EnrolmentStatus,
    HonourKind,
    HonourLevel,
    Position,
    ProgrammeKind,
    Sex,
)

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
# Institutions and station managers keep their own staff; the city admin corrects anything.
STAFF_ACTIONS = {
    "view": OPERATING,
    "add": frozenset({Role.CITY_ADMIN, Role.INSTITUTION_ADMIN, Role.STATION_MANAGER}),
    "change": frozenset({Role.CITY_ADMIN, Role.INSTITUTION_ADMIN, Role.STATION_MANAGER}),
    "delete": frozenset({Role.CITY_ADMIN}),
}
# The city officer runs the yearly training programmes.
PROGRAMME_ACTIONS = {
    "view": OPERATING,
    "add": CITY_ROLES,
    "change": CITY_ROLES,
    "delete": frozenset({Role.CITY_ADMIN}),
}
# Institutions enrol their staff; the programme's runners record attendance and completion.
ENROLMENT_ACTIONS = {
    "view": OPERATING,
    "add": CITY_ROLES | {Role.INSTITUTION_ADMIN, Role.STATION_MANAGER},
    "change": CITY_ROLES,
    "delete": frozenset({Role.CITY_ADMIN}),
}
HONOUR_ACTIONS = {
    "view": OPERATING,
    "add": CITY_ROLES | {Role.INSTITUTION_ADMIN},
    "change": CITY_ROLES | {Role.INSTITUTION_ADMIN},
    "delete": frozenset({Role.CITY_ADMIN}),
}


def person_scope(prefix: str = "") -> Scope:
    """A person reaches stations, districts and institutions through their employments."""
    p = f"{prefix}employments__"
    return Scope(
        station=f"{p}station",
        subdistrict=f"{p}station__subdistrict",
        district=f"{p}station__district",
        institution=f"{p}institution",
    )


class ThroughEmploymentQuerySet(ScopedQuerySet):
    """Scope paths that cross a person's employments (a to-many relation) would repeat a row
    once per matching employment; the scope filter runs as a ``pk IN (subquery)`` instead, so
    lists, counts and aggregates see each row once."""

    def restrict(self, user, action: str = VIEW):
        inner = ScopedQuerySet.restrict(
            ScopedQuerySet(model=self.model, using=self._db), user, action
        )
        if inner.query.is_empty():
            return self.none()
        if not inner.query.where:
            return self.all()
        return self.filter(pk__in=inner.values("pk"))


ThroughEmploymentManager = ScopedManager.from_queryset(ThroughEmploymentQuerySet)


class SocialWorker(VersionedModel, ScopedModel):
    """社工 (social worker): one record per person, whatever institutions they work for."""

    name = models.CharField(_("姓名"), max_length=40)
    id_number_cipher = models.TextField(_("身份证号（密文）"), editable=False)
    id_number_hash = models.CharField(
        _("身份证号检索码"), max_length=64, unique=True, editable=False
    )
    id_number_masked = models.CharField(_("身份证号"), max_length=18, editable=False)
    sex = models.CharField(_("性别"), max_length=6, choices=Sex.choices, editable=False)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    education_level = models.CharField(
        _("学历"), max_length=12, choices=EducationLevel.choices, blank=True
    )
    major = models.CharField(_("专业"), max_length=60, blank=True)
    school = models.CharField(_("毕业院校"), max_length=80, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    # Kept by talent.services.person_summary_refresh (and nightly by a task).
    highest_level = models.CharField(
        _("最高证书等级"),
        max_length=12,
        choices=CertificateLevel.choices,
        blank=True,
        editable=False,
    )
    registration_starts_on = models.DateField(_("本期登记起始"), null=True, editable=False)
    registration_expires_on = models.DateField(_("登记有效期至"), null=True, editable=False)
    ce_hours = models.DecimalField(
        _("本期继续教育学时"),
        max_digits=6,
        decimal_places=1,
        default=Decimal("0.0"),
        editable=False,
    )
    ce_required = models.PositiveSmallIntegerField(_("本期应修学时"), default=0, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = person_scope()
    scope_actions = STAFF_ACTIONS
    objects = ThroughEmploymentManager()
    audit_hidden_fields = ("id_number_cipher", "id_number_hash")

    class Meta:
        verbose_name = _("社工")
        verbose_name_plural = _("社工")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["registration_expires_on"], name="talent_sw_reg_exp_idx")]

    def __str__(self) -> str:
        return self.name

    def audit_anchors(self) -> dict:
        """Audit rows of a person belong to where they work today (their latest post)."""
        cached = getattr(self, "_audit_anchor_cache", None)
        if cached is not None:
            return cached
        employment = (
            self.employments.order_by(models.F("ends_on").desc(nulls_first=True), "-starts_on")
            .select_related("station")
            .first()
            if self.pk
            else None
        )
        if employment is None:
            return {}
        return {
            "station_id": employment.station_id,
            "subdistrict_id": employment.station.subdistrict_id,
            "district_id": employment.station.district_id,
            "institution_id": employment.institution_id,
        }


class PersonPartMixin:
    def audit_anchors(self) -> dict:
        return self.person.audit_anchors()


class Employment(VersionedModel, ScopedModel):
    """任职记录 (employment): a spell of work at a station for an institution.

    A person is full-time at no more than one station on any day: the service explains a
    clash first; on PostgreSQL an exclusion constraint (migration 0002) holds it under
    concurrent writes.
    """

    person = models.ForeignKey(
        SocialWorker, on_delete=models.CASCADE, related_name="employments", verbose_name=_("社工")
    )
    institution = models.ForeignKey(
        "stations.Institution",
        on_delete=models.PROTECT,
        related_name="employments",
        verbose_name=_("承接机构"),
    )
    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="employments",
        verbose_name=_("社工站"),
    )
    position = models.CharField(_("岗位"), max_length=16, choices=Position.choices)
    employment_type = models.CharField(
        _("用工形式"),
        max_length=10,
        choices=EmploymentType.choices,
        default=EmploymentType.FULL_TIME,
    )
    starts_on = models.DateField(_("入职日期"))
    ends_on = models.DateField(_("离职日期"), null=True, blank=True)
    leave_reason = models.CharField(_("离职原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = Scope(
        station="station",
        subdistrict="station__subdistrict",
        district="station__district",
        institution="institution",
    )
    scope_actions = STAFF_ACTIONS
    objects = ScopedManager()

    class Meta:
        verbose_name = _("任职记录")
        verbose_name_plural = _("任职记录")
        ordering = ["-starts_on", "pk"]
        indexes = [
            models.Index(fields=["station", "ends_on"], name="talent_emp_station_idx"),
            models.Index(fields=["person", "starts_on"], name="talent_emp_person_idx"),
            models.Index(fields=["institution", "ends_on"], name="talent_emp_inst_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="talent_employment_period_ordered",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                violation_error_message=_("离职日期不能早于入职日期。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_position_display()}"

    def is_current(self, on) -> bool:
        return self.starts_on <= on and (self.ends_on is None or self.ends_on >= on)


class Certificate(PersonPartMixin, ScopedModel):
    """社会工作者职业水平证书 (certificate): the level passed and when."""

    person = models.ForeignKey(
        SocialWorker, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("社工")
    )
    level = models.CharField(_("证书等级"), max_length=12, choices=CertificateLevel.choices)
    number = models.CharField(_("证书编号"), max_length=40, unique=True)
    year_passed = models.PositiveSmallIntegerField(_("取证年份"))
    created_at = models.DateTimeField(auto_now_add=True)

    scope = person_scope("person__")
    scope_actions = STAFF_ACTIONS
    objects = ThroughEmploymentManager()

    class Meta:
        verbose_name = _("职业水平证书")
        verbose_name_plural = _("职业水平证书")
        ordering = ["person_id", "-year_passed"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "level"],
                name="talent_certificate_one_per_level",
                violation_error_message=_("该社工已登记此等级的证书。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.number}"


class Registration(PersonPartMixin, ScopedModel):
    """社会工作者登记 (registration): valid for a period; renewed in its last months."""

    person = models.ForeignKey(
        SocialWorker, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("社工")
    )
    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("证书")
    )
    starts_on = models.DateField(_("登记日期"))
    expires_on = models.DateField(_("有效期至"))
    renews = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewed_by",
        verbose_name=_("续期自"),
    )
    policy_version = models.ForeignKey(
        "portal.PolicyVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("适用政策版本"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope = person_scope("person__")
    scope_actions = STAFF_ACTIONS
    objects = ThroughEmploymentManager()

    class Meta:
        verbose_name = _("登记")
        verbose_name_plural = _("登记")
        ordering = ["person_id", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                name="talent_registration_period_ordered",
                condition=Q(expires_on__gte=models.F("starts_on")),
                violation_error_message=_("有效期至不能早于登记日期。"),
            ),
            models.UniqueConstraint(
                fields=["person", "starts_on"], name="talent_registration_one_per_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on:%Y-%m-%d} ~ {self.expires_on:%Y-%m-%d}"


class TrainingProgramme(VersionedModel, ScopedModel):
    """培训项目 (training programme) the city runs in a year, within the talent budget."""

    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类别"), max_length=12, choices=ProgrammeKind.choices)
    title = models.CharField(_("项目名称"), max_length=120)
    provider = models.CharField(_("承办单位"), max_length=120)
    budget = models.DecimalField(
        _("预算（元）"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    places = models.PositiveIntegerField(_("名额"))
    starts_on = models.DateField(_("开始日期"), null=True, blank=True)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = Scope(public=True)
    scope_actions = PROGRAMME_ACTIONS
    objects = ScopedManager()

    class Meta:
        verbose_name = _("培训项目")
        verbose_name_plural = _("培训项目")
        ordering = ["-year", "kind", "title"]
        constraints = [
            models.CheckConstraint(
                name="talent_programme_budget_not_negative",
                condition=Q(budget__gte=0),
                violation_error_message=_("预算不能为负数。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class TrainingSession(ScopedModel):
    """培训课次 (session) of a programme, worth its hours of continuing education."""

    programme = models.ForeignKey(
        TrainingProgramme,
        on_delete=models.CASCADE,
        related_name="sessions",
        verbose_name=_("培训项目"),
    )
    held_on = models.DateField(_("日期"))
    topic = models.CharField(_("主题"), max_length=120)
    hours = models.DecimalField(
        _("学时"), max_digits=4, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    location = models.CharField(_("地点"), max_length=120, blank=True)

    scope = Scope(public=True)
    scope_actions = PROGRAMME_ACTIONS
    objects = ScopedManager()

    class Meta:
        verbose_name = _("培训课次")
        verbose_name_plural = _("培训课次")
        ordering = ["programme_id", "held_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="talent_session_hours_positive",
                condition=Q(hours__gt=0),
                violation_error_message=_("学时必须大于0。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.topic}"


class Enrolment(VersionedModel, PersonPartMixin, ScopedModel):
    """报名 (enrolment) of a social worker in a programme, by their institution."""

    programme = models.ForeignKey(
        TrainingProgramme,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("培训项目"),
    )
    person = models.ForeignKey(
        SocialWorker, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("社工")
    )
    institution = models.ForeignKey(
        "stations.Institution",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("报名机构"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    completed_on = models.DateField(_("结业日期"), null=True, blank=True)
    # Pre-exam programmes: whether the person passed that year's exam (pass rate).
    exam_passed = models.BooleanField(_("通过考试"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope = person_scope("person__")
    scope_actions = ENROLMENT_ACTIONS
    objects = ThroughEmploymentManager()

    class Meta:
        verbose_name = _("培训报名")
        verbose_name_plural = _("培训报名")
        ordering = ["programme_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "person"],
                name="talent_enrolment_once_per_programme",
                violation_error_message=_("该社工已报名此培训项目。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.programme}"


class Attendance(ScopedModel):
    """出勤 (attendance) of an enrolled person at one session."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("报名")
    )
    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("课次"),
    )

    scope = person_scope("enrolment__person__")
    scope_actions = ENROLMENT_ACTIONS
    objects = ThroughEmploymentManager()

    class Meta:
        verbose_name = _("出勤记录")
        verbose_name_plural = _("出勤记录")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "session"], name="talent_attendance_once_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.session}"


class CERecord(PersonPartMixin, ScopedModel):
    """继续教育学时 (continuing-education hours), credited to the registration period in
    which ``completed_on`` falls. Portal training credits itself on completion."""

    person = models.ForeignKey(
        SocialWorker, on_delete=models.CASCADE, related_name="ce_records", verbose_name=_("社工")
    )
    hours = models.DecimalField(
        _("学时"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    completed_on = models.DateField(_("完成日期"))
    source = models.CharField(_("来源"), max_length=10, choices=CEHourSource.choices)
    title = models.CharField(_("内容"), max_length=120)
    provider = models.CharField(_("提供单位"), max_length=120, blank=True)
    enrolment = models.OneToOneField(
        Enrolment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ce_record",
        verbose_name=_("培训报名"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope = person_scope("person__")
    scope_actions = {
        "view": OPERATING,
        "add": CITY_ROLES | {Role.INSTITUTION_ADMIN, Role.STATION_MANAGER},
        "change": frozenset({Role.CITY_ADMIN}),
        "delete": frozenset({Role.CITY_ADMIN}),
    }
    objects = ThroughEmploymentManager()

    class Meta:
        verbose_name = _("继续教育学时")
        verbose_name_plural = _("继续教育学时")
        ordering = ["person_id", "-completed_on"]
        indexes = [models.Index(fields=["person", "completed_on"], name="talent_ce_person_idx")]
        constraints = [
            models.CheckConstraint(
                name="talent_cerecord_hours_positive",
                condition=Q(hours__gt=0),
                violation_error_message=_("学时必须大于0。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.hours}"


class Honour(PersonPartMixin, ScopedModel):
    """荣誉 (honour): national, provincial or city recognition of a social worker."""

    person = models.ForeignKey(
        SocialWorker, on_delete=models.CASCADE, related_name="honours", verbose_name=_("社工")
    )
    level = models.CharField(_("级别"), max_length=12, choices=HonourLevel.choices)
    kind = models.CharField(_("类别"), max_length=20, choices=HonourKind.choices)
    title = models.CharField(_("荣誉名称"), max_length=120)
    year = models.PositiveSmallIntegerField(_("年度"))
    issuer = models.CharField(_("授予单位"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    scope = person_scope("person__")
    scope_actions = HONOUR_ACTIONS
    objects = ThroughEmploymentManager()

    class Meta:
        verbose_name = _("荣誉")
        verbose_name_plural = _("荣誉")
        ordering = ["-year", "pk"]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class StaffingSummary(models.Model):
    """人员配置汇总: one station's staffing counts as of ``computed_on``, read by the board.

    Written only by ``talent.services.station_staffing_refresh`` (every write that changes a
    station's staff or its people's certificates, registration or hours, and nightly for every
    station). A row counts only for the day it was computed and the renewal window it was
    computed with (``window_end``); the board works out any other station live from the
    employments, so a stale or missing row never shows a wrong figure, only a slower one.
    """

    station = models.OneToOneField(
        "stations.Station",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="talent_staffing",
        verbose_name=_("社工站"),
    )
    computed_on = models.DateField(_("统计日期"), null=True)
    window_end = models.DateField(_("续期窗口截止"), null=True)
    headcount = models.PositiveIntegerField(default=0)
    part_time = models.PositiveIntegerField(default=0)
    certified = models.PositiveIntegerField(default=0)
    assistant = models.PositiveIntegerField(default=0)
    intermediate = models.PositiveIntegerField(default=0)
    senior = models.PositiveIntegerField(default=0)
    heads = models.PositiveIntegerField(default=0)
    deputies = models.PositiveIntegerField(default=0)
    year_start = models.PositiveIntegerField(default=0)
    leavers = models.PositiveIntegerField(default=0)
    lapsed = models.PositiveIntegerField(default=0)
    ce_short = models.PositiveIntegerField(default=0)
    # In the renewal window: expiring by ``window_end`` (PolicyVersion.registration_renewal_
    # window_months after the day), not a fixed number of days.
    expiring_window = models.PositiveIntegerField(default=0)
    expiring_30 = models.PositiveIntegerField(default=0)
    expiring_7 = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("人员配置汇总")
        verbose_name_plural = _("人员配置汇总")
        indexes = [
            models.Index(fields=["computed_on", "window_end"], name="talent_staffing_fresh_idx")
        ]

    def __str__(self) -> str:
        return f"{self.station_id} @ {self.computed_on}"


# The counts of StaffingSummary, in the order the board's SQL reads them.
STAFFING_FIGURES = (
    "headcount",
    "part_time",
    "certified",
    "assistant",
    "intermediate",
    "senior",
    "heads",
    "deputies",
    "year_start",
    "leavers",
    "lapsed",
    "ce_short",
    "expiring_window",
    "expiring_30",
    "expiring_7",
)
