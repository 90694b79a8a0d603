"""Evaluations (评估): indicator frameworks, cycles, one evaluation per station and cycle,
scores, self-assessment, surveys, appeals and results.

Scope: frameworks and cycles are reference data every signed-in user may read. Rows of a
station's evaluation reach the station, its street/town, district and the institution the
evaluation is attributed to; evaluators reach only the evaluations assigned to them while the
assignment lasts (``EvaluationQuerySet.restrict``, an active-assignment subquery).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluations.choices import (
    AppealDecision,
    AppealStatus,
    CycleStatus,
    EvaluationStatus,
    FrameworkStatus,
    Grade,
    Method,
    NodeLevel,
    NodePhase,
    Phase,
    RespondentGroup,
    Scorer,
)
from portal import clock
from portal.choices import ALL_ROLES, CITY_ROLES, Role
from portal.scoping import VIEW, Scope, ScopedManager, ScopedModel, ScopedQuerySet
from portal.versioning import VersionedModel

REFERENCE_ACTIONS = {
    "view": ALL_ROLES,
    "add": CITY_ROLES,
    "change": CITY_ROLES,
    "delete": CITY_ROLES,
}
# Who may change an evaluation's rows at all; the service decides which part each role writes
# (station manager: self-assessment and appeal; evaluator: scores; street/town: purchaser
# rating; district: supervisor rating; city: assignment, decisions, publication).
EVALUATION_ACTIONS = {
    "view": ALL_ROLES - {Role.INSPECTOR},
    "add": CITY_ROLES,
    "change": CITY_ROLES
    | {Role.EVALUATOR, Role.STATION_MANAGER, Role.SUBDISTRICT_OFFICER, Role.DISTRICT_OFFICER},
    "delete": frozenset(),
}
CHILD_ACTIONS = {**EVALUATION_ACTIONS, "add": EVALUATION_ACTIONS["change"]}
# Survey links carry the tokens that let anyone answer: the city bureau only.
SURVEY_ACTIONS = {
    "view": CITY_ROLES,
    "add": CITY_ROLES,
    "change": CITY_ROLES,
    "delete": frozenset(),
}
ASSIGNMENT_ACTIONS = {
    "view": CITY_ROLES | {Role.EVALUATOR},
    "add": CITY_ROLES,
    "change": CITY_ROLES,
    "delete": CITY_ROLES,
}


def _evaluation_scope(prefix: str) -> Scope:
    p = f"{prefix}__" if prefix else ""
    return Scope(
        station=f"{p}station",
        subdistrict=f"{p}station__subdistrict",
        district=f"{p}station__district",
        institution=f"{p}institution",
    )


def active_assignment_q(on, prefix: str = "") -> Q:
    """Evaluator assignments in force on ``on``: started, not past their last day, and not
    ended "now" (``ended_at``) before the moment ``on`` stands for (now, for today)."""
    p = prefix
    moment = clock.as_of(on)
    return (
        Q(**{f"{p}starts_on__lte": on})
        & (Q(**{f"{p}ends_on__isnull": True}) | Q(**{f"{p}ends_on__gte": on}))
        & (Q(**{f"{p}ended_at__isnull": True}) | Q(**{f"{p}ended_at__gt": moment}))
    )


class EvaluationQuerySet(ScopedQuerySet):
    """``restrict`` plus the evaluator's reach: rows of evaluations assigned to them by an
    assignment in force today. The subquery checks the dates, so an ended assignment stops
    showing at once, and no join can duplicate rows."""

    def restrict(self, user, action: str = VIEW):
        qs = super().restrict(user, action)
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return qs
        allowed = self.model.scope_actions.get(action, frozenset())
        if Role.EVALUATOR not in allowed or not user.has_role(Role.EVALUATOR):
            return qs
        today = clock.today()
        assigned = EvaluatorAssignment.objects.filter(
            active_assignment_q(today), evaluator=user
        ).values("evaluation_id")
        path = self.model.evaluation_path
        return qs | self.filter(**{f"{path}__in": assigned})


class EvaluationManager(ScopedManager.from_queryset(EvaluationQuerySet)):  # type: ignore[misc]
    pass


class Framework(ScopedModel):
    """指标体系 (indicator framework): a versioned tree of dimensions, indicators and items.

    A version used by a cycle is frozen (``frozen_at``); changing it means a new version.
    """

    code = models.SlugField(_("体系代码"), max_length=40)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=120)
    status = models.CharField(
        _("状态"), max_length=10, choices=FrameworkStatus.choices, default=FrameworkStatus.DRAFT
    )
    is_example = models.BooleanField(
        _("示例体系"),
        default=False,
        help_text=_("穗民〔2019〕293号指标体系无法取得，此为可编辑的示例，请按实际文件修改。"),
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("来源版本"),
    )
    note = models.TextField(_("说明"), blank=True)
    frozen_at = models.DateTimeField(_("冻结时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = Scope(public=True)
    scope_actions = REFERENCE_ACTIONS
    objects = ScopedManager()

    class Meta:
        verbose_name = _("指标体系")
        verbose_name_plural = _("指标体系")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="evaluations_framework_code_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class FrameworkNode(VersionedModel, ScopedModel):
    """指标 (indicator node): a dimension, indicator or scored item of a framework.

    Leaves (nodes without children) are scored. ``max_score`` is the leaf's full mark;
    ``weight`` on a dimension is its share of the 100-point total (empty: its points count).
    """

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="nodes", verbose_name=_("指标体系")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级"),
    )
    level = models.CharField(_("层级"), max_length=10, choices=NodeLevel.choices)
    code = models.CharField(_("编码"), max_length=20)
    name = models.CharField(_("名称"), max_length=200)
    max_score = models.DecimalField(
        _("满分"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    weight = models.DecimalField(
        _("权重"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    phase = models.CharField(
        _("适用阶段"), max_length=10, choices=NodePhase.choices, default=NodePhase.BOTH
    )
    scorer = models.CharField(
        _("评分主体"), max_length=12, choices=Scorer.choices, default=Scorer.EVALUATOR
    )
    method = models.CharField(
        _("评估方式"), max_length=14, choices=Method.choices, default=Method.DOCUMENTS
    )
    evidence = models.CharField(_("佐证材料"), max_length=300, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    scope = Scope(public=True)
    scope_actions = REFERENCE_ACTIONS
    objects = ScopedManager()

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["framework_id", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="evaluations_node_code_unique"
            ),
            models.CheckConstraint(
                name="evaluations_node_max_nonnegative",
                condition=Q(max_score__isnull=True) | Q(max_score__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Cycle(VersionedModel, ScopedModel):
    """评估周期 (evaluation cycle): a service year's mid-term or final evaluation round."""

    name = models.CharField(_("名称"), max_length=120)
    service_year = models.PositiveSmallIntegerField(_("服务年度"))
    phase = models.CharField(_("阶段"), max_length=10, choices=Phase.choices)
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="cycles", verbose_name=_("指标体系")
    )
    policy_version = models.ForeignKey(
        "portal.PolicyVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("适用政策版本"),
    )
    opens_on = models.DateField(_("开启日期"))
    self_due_on = models.DateField(_("自评截止"))
    scoring_starts_on = models.DateField(_("评分开始"))
    scoring_due_on = models.DateField(_("评分截止"))
    appeal_starts_on = models.DateField(_("申诉开始"))
    appeal_due_on = models.DateField(_("申诉截止"))
    publish_on = models.DateField(_("发布日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=CycleStatus.choices, default=CycleStatus.PLANNED
    )
    opened_at = models.DateTimeField(_("开启时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = Scope(public=True)
    scope_actions = REFERENCE_ACTIONS
    objects = ScopedManager()

    class Meta:
        verbose_name = _("评估周期")
        verbose_name_plural = _("评估周期")
        # Newest first by date: the stored phases sort "final" before "midterm".
        ordering = ["-opens_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_year", "phase"], name="evaluations_cycle_year_phase_unique"
            ),
            models.CheckConstraint(
                name="evaluations_cycle_dates_ordered",
                condition=(
                    Q(self_due_on__gte=models.F("opens_on"))
                    & Q(scoring_starts_on__gte=models.F("opens_on"))
                    & Q(scoring_due_on__gte=models.F("scoring_starts_on"))
                    & Q(scoring_due_on__gte=models.F("self_due_on"))
                    & Q(appeal_starts_on__gt=models.F("scoring_due_on"))
                    & Q(appeal_due_on__gte=models.F("appeal_starts_on"))
                    & Q(publish_on__gt=models.F("appeal_due_on"))
                ),
                violation_error_message=_(
                    "日期须依次为：开启 ≤ 自评截止 ≤ 评分截止 < 申诉开始 ≤ 申诉截止 < 发布；"
                    "评分开始不早于开启。"
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Evaluation(ScopedModel):
    """评估 (evaluation): one station's evaluation in one cycle, with its result.

    ``version`` is the score sheet's optimistic lock: every write of scores names the version
    it read, and a stale one is refused (409) instead of silently overwriting.
    """

    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("评估周期")
    )
    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name=_("社工站"),
    )
    # Who ran the station on the opening date (stations.selectors.operators_on).
    institution = models.ForeignKey(
        "stations.Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("承接机构"),
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=EvaluationStatus.choices,
        default=EvaluationStatus.NOT_STARTED,
    )
    version = models.PositiveIntegerField(_("版本号"), default=1)
    self_submitted_at = models.DateTimeField(_("自评提交时间"), null=True, blank=True)
    self_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("自评提交人"),
    )
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("等级"), max_length=10, choices=Grade.choices, blank=True)
    # Per leaf: code, name, dimension, max, score, scorer, who scored, comment (JSON).
    breakdown = models.JSONField(_("得分明细"), default=list, blank=True)
    framework = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("计分所用指标体系"),
    )
    policy_version = models.ForeignKey(
        "portal.PolicyVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("定级所用政策版本"),
    )
    computed_at = models.DateTimeField(_("计分时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    # The rectification order a failing grade opened (inspections app, by id: no sideways FK).
    rectification_order_id = models.PositiveBigIntegerField(_("整改通知单"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = _evaluation_scope("")
    scope_actions = EVALUATION_ACTIONS
    evaluation_path = "pk"
    objects = EvaluationManager()

    class Meta:
        verbose_name = _("评估")
        verbose_name_plural = _("评估")
        ordering = ["cycle_id", "station_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "station"], name="evaluations_evaluation_cycle_station_unique"
            ),
            models.CheckConstraint(
                name="evaluations_evaluation_total_range",
                condition=Q(total__isnull=True) | (Q(total__gte=0) & Q(total__lte=100)),
            ),
        ]
        indexes = [
            models.Index(fields=["cycle", "status"], name="evaluations_eval_cycle_status"),
            models.Index(fields=["station", "cycle"], name="evaluations_eval_station"),
            # Board, list and results read a cycle's rows from this index alone (index-only
            # scans): the rows themselves are wide (the breakdown JSON).
            models.Index(
                fields=["cycle", "station"],
                include=["id", "status", "total", "grade"],
                name="evaluations_eval_cycle_cover",
            ),
            # The results table: a cycle's results by total, best first, a page at a time.
            models.Index(
                fields=["cycle", "-total"],
                include=["id", "station"],
                condition=Q(total__isnull=False),
                name="evaluations_eval_cycle_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.station}"

    @property
    def is_published(self) -> bool:
        return self.status == EvaluationStatus.PUBLISHED


class _EvaluationChild(ScopedModel):
    scope = _evaluation_scope("evaluation")
    scope_actions = CHILD_ACTIONS
    evaluation_path = "evaluation"
    objects = EvaluationManager()

    class Meta:
        abstract = True


class EvaluatorAssignment(_EvaluationChild):
    """评估人员分派: an evaluator assigned to an evaluation for a period."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("评估")
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="evaluation_assignments",
        verbose_name=_("评估人员"),
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    # Set when the assignment is ended on its last day ("now"): access stops at this moment,
    # while ``ends_on`` keeps the day for the history (evaluations.services.assignment_end).
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True, editable=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("分派人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_actions = ASSIGNMENT_ACTIONS

    class Meta:
        verbose_name = _("评估人员分派")
        verbose_name_plural = _("评估人员分派")
        ordering = ["evaluation_id", "evaluator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "evaluator"], name="evaluations_assignment_unique"
            ),
            models.CheckConstraint(
                name="evaluations_assignment_dates_ordered",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                violation_error_message=_("结束日期不能早于开始日期。"),
            ),
        ]
        indexes = [models.Index(fields=["evaluator", "starts_on"], name="evaluations_assign_user")]

    def __str__(self) -> str:
        return f"{self.evaluator} → {self.evaluation}"


class Score(_EvaluationChild):
    """评分: one leaf's score in one evaluation, with who gave it and why."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="scores", verbose_name=_("评估")
    )
    node = models.ForeignKey(
        FrameworkNode, on_delete=models.PROTECT, related_name="+", verbose_name=_("指标")
    )
    score = models.DecimalField(
        _("得分"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    comment = models.TextField(_("评语"), blank=True)
    scorer = models.CharField(_("评分主体"), max_length=12, choices=Scorer.choices)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("评分人"),
    )
    scored_at = models.DateTimeField(_("评分时间"), default=timezone.now)

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        ordering = ["evaluation_id", "node_id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "node"], name="evaluations_score_unique"),
            models.CheckConstraint(name="evaluations_score_nonnegative", condition=Q(score__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.node_id}: {self.score}"


class SelfAssessment(VersionedModel, _EvaluationChild):
    """自评: the station manager's account of one indicator (text; files in ``Evidence``)."""

    evaluation = models.ForeignKey(
        Evaluation,
        on_delete=models.CASCADE,
        related_name="self_assessments",
        verbose_name=_("评估"),
    )
    node = models.ForeignKey(
        FrameworkNode, on_delete=models.PROTECT, related_name="+", verbose_name=_("指标")
    )
    text = models.TextField(_("自评说明"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("填写人"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("自评")
        verbose_name_plural = _("自评")
        ordering = ["evaluation_id", "node_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "node"], name="evaluations_selfassessment_unique"
            )
        ]

    def __str__(self) -> str:
        return self.text[:40]


class Appeal(_EvaluationChild):
    """申诉: the station disputes specific indicator scores of its draft result."""

    evaluation = models.OneToOneField(
        Evaluation, on_delete=models.CASCADE, related_name="appeal", verbose_name=_("评估")
    )
    reason = models.TextField(_("申诉理由"))
    status = models.CharField(
        _("状态"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.FILED
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("申诉人"),
    )
    filed_at = models.DateTimeField(_("申诉时间"), default=timezone.now)
    answer = models.TextField(_("评估机构答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("答复人"),
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    decision = models.CharField(
        _("裁定结果"), max_length=10, choices=AppealDecision.choices, blank=True
    )
    decision_note = models.TextField(_("裁定说明"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("裁定人"),
    )
    decided_at = models.DateTimeField(_("裁定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.get_status_display()}"


class AppealItem(_EvaluationChild):
    """申诉事项: one disputed indicator score."""

    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, related_name="items", verbose_name=_("申诉")
    )
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="+", verbose_name=_("评估")
    )
    node = models.ForeignKey(
        FrameworkNode, on_delete=models.PROTECT, related_name="+", verbose_name=_("指标")
    )
    original_score = models.DecimalField(_("原得分"), max_digits=6, decimal_places=2)
    requested_score = models.DecimalField(
        _("申请得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    reason = models.TextField(_("理由"))
    decided_score = models.DecimalField(
        _("裁定得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("申诉事项")
        verbose_name_plural = _("申诉事项")
        ordering = ["appeal_id", "node_id"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "node"], name="evaluations_appealitem_unique")
        ]

    def __str__(self) -> str:
        return f"{self.node_id}: {self.original_score} → {self.requested_score}"


class Evidence(_EvaluationChild):
    """佐证材料: a file for a self-assessment or an appeal, checked by content on upload."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("评估")
    )
    node = models.ForeignKey(
        FrameworkNode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("指标"),
    )
    appeal = models.ForeignKey(
        Appeal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("申诉"),
    )
    file = models.FileField(_("文件"), upload_to="evaluations/evidence/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    # portal.audit cannot serialise a FieldFile; ``name`` says what the file is.
    audit_hidden_fields = ("file",)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["evaluation_id", "node_id", "pk"]

    def __str__(self) -> str:
        return self.name


class SurveyLink(_EvaluationChild):
    """问卷链接: one link (random token) for one respondent of one group at one station.

    Anyone holding the link may answer once, without an account; no personal data is asked.
    """

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="survey_links", verbose_name=_("评估")
    )
    group = models.CharField(_("对象类别"), max_length=10, choices=RespondentGroup.choices)
    token = models.CharField(_("令牌"), max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发放人"),
    )
    issued_at = models.DateTimeField(_("发放时间"), default=timezone.now)
    answered_at = models.DateTimeField(_("填写时间"), null=True, blank=True)

    scope_actions = SURVEY_ACTIONS
    audit_hidden_fields = ("token",)

    class Meta:
        verbose_name = _("问卷链接")
        verbose_name_plural = _("问卷链接")
        ordering = ["evaluation_id", "group", "pk"]
        indexes = [models.Index(fields=["evaluation", "group"], name="evaluations_link_group")]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.get_group_display()}"


class SurveyResponse(_EvaluationChild):
    """问卷答卷: the one answer of one link (ratings 1-5, an optional comment)."""

    link = models.OneToOneField(
        SurveyLink, on_delete=models.PROTECT, related_name="response", verbose_name=_("问卷链接")
    )
    evaluation = models.ForeignKey(
        Evaluation,
        on_delete=models.CASCADE,
        related_name="survey_responses",
        verbose_name=_("评估"),
    )
    group = models.CharField(_("对象类别"), max_length=10, choices=RespondentGroup.choices)
    answers = models.JSONField(_("答案"), default=dict)
    mean = models.DecimalField(_("平均分"), max_digits=4, decimal_places=2)
    comment = models.CharField(_("意见建议"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    scope_actions = SURVEY_ACTIONS

    class Meta:
        verbose_name = _("问卷答卷")
        verbose_name_plural = _("问卷答卷")
        ordering = ["evaluation_id", "group", "pk"]

    def __str__(self) -> str:
        return f"{self.link_id}: {self.mean}"


class SurveyQuestion(ScopedModel):
    """问卷题目: one question of a respondent group's satisfaction survey, rated 1 to 5.

    Reference data the city bureau edits (Django admin): the bureau has not published its
    questionnaire, so the seeded wording is a placeholder. Answers are stored by ``code``;
    a question taken out of use is kept (``is_active``) so earlier answers still read.
    """

    group = models.CharField(_("对象类别"), max_length=10, choices=RespondentGroup.choices)
    code = models.SlugField(_("题号"), max_length=20)
    text = models.CharField(_("题目"), max_length=200)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("使用中"), default=True)

    scope = Scope(public=True)
    scope_actions = REFERENCE_ACTIONS
    objects = ScopedManager()

    class Meta:
        verbose_name = _("问卷题目")
        verbose_name_plural = _("问卷题目")
        ordering = ["group", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "code"], name="evaluations_surveyquestion_group_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_group_display()} {self.code}. {self.text}"
