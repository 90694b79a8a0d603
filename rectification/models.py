"""整改 (rectification): orders, the station's responses and evidence, verification,
escalation of overdue orders, the repeat flag and each order's history.

One mechanism for every source: an inspection finding, a failing evaluation, or another
source (``rectification.sources``). The tables keep the names they had in the inspections app
(``inspections_rectification*``): the models moved, the rows did not.

Orders of an unannounced visit stay secret until the visit starts: every model here narrows
``restrict`` through the visibility rules its sources register (``sources.narrow``).
"""

from __future__ import annotations

from django.conf import settings as django_settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.choices import ALL_ROLES, CITY_ROLES, Role
from portal.scoping import Scope, ScopedManager, ScopedModel
from rectification import sources
from rectification.choices import (
    Area,
    EscalationLevel,
    OrderEventKind,
    OrderStatus,
    Severity,
    SourceKind,
)

# Orders: the station side answers, district officers and inspectors verify. Which role may
# do which transition is checked in the service (rules.can_respond / can_verify).
ORDER_ACTIONS = {
    "view": ALL_ROLES - {Role.EVALUATOR},
    "add": CITY_ROLES | {Role.INSPECTOR, Role.DISTRICT_OFFICER},
    "change": ALL_ROLES - {Role.EVALUATOR, Role.SUBDISTRICT_OFFICER},
    "delete": frozenset(),
}
ORDER_CHILD_ACTIONS = {
    "view": ALL_ROLES - {Role.EVALUATOR},
    "add": ALL_ROLES - {Role.EVALUATOR, Role.SUBDISTRICT_OFFICER},
    "change": frozenset(),
    "delete": frozenset(),
}


class RectificationOrder(ScopedModel):
    """整改通知单 (rectification order): from an inspection finding, an evaluation, or other.

    The same mechanism serves inspections and evaluations: ``source_kind`` says where the
    order comes from, ``finding`` links an inspection finding, ``source_ref`` names any other
    source (``evaluation:123``).
    """

    source_kind = models.CharField(_("来源"), max_length=20, choices=SourceKind.choices)
    finding = models.OneToOneField(
        "inspections.Finding",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order",
        verbose_name=_("发现问题"),
    )
    source_ref = models.CharField(_("来源编号"), max_length=80, blank=True)
    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="rectification_orders",
        verbose_name=_("社工站"),
    )
    # Who ran the station when the order was opened (stations.selectors.operator_on).
    institution = models.ForeignKey(
        "stations.Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectification_orders",
        verbose_name=_("承接机构"),
    )
    severity = models.CharField(_("问题等级"), max_length=10, choices=Severity.choices)
    area = models.CharField(_("领域"), max_length=20, choices=Area.choices, blank=True)
    title = models.CharField(_("整改事项"), max_length=200)
    description = models.TextField(_("问题与要求"), blank=True)
    opened_on = models.DateField(_("下达日期"))
    due_on = models.DateField(_("整改期限"))
    policy_version = models.ForeignKey(
        "portal.PolicyVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("期限依据政策版本"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.OPEN
    )
    is_repeat = models.BooleanField(_("一年内重复问题"), default=False)
    escalation_level = models.PositiveSmallIntegerField(
        _("逾期升级层级"), choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    opened_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("下达人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = Scope(
        station="station",
        subdistrict="station__subdistrict",
        district="station__district",
        institution="institution",
        assignees={Role.INSPECTOR: "finding__inspection__team__user"},
    )
    scope_actions = ORDER_ACTIONS
    objects = ScopedManager()

    audit_former_labels = ("inspections.rectificationorder",)

    class Meta:
        db_table = "inspections_rectificationorder"
        verbose_name = _("整改通知单")
        verbose_name_plural = _("整改通知单")
        ordering = ["-opened_on", "-pk"]
        indexes = [
            models.Index(fields=["station", "status", "due_on"], name="inspections_order_st_idx"),
            models.Index(fields=["status", "due_on"], name="inspections_order_due_idx"),
            models.Index(fields=["source_kind", "source_ref"], name="inspections_order_src_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="inspections_order_due_after_opened",
                condition=Q(due_on__gte=models.F("opened_on")),
                violation_error_message=_("整改期限不能早于下达日期。"),
            ),
            models.CheckConstraint(
                name="inspections_order_finding_matches_kind",
                condition=Q(source_kind=SourceKind.INSPECTION_FINDING, finding__isnull=False)
                | (~Q(source_kind=SourceKind.INSPECTION_FINDING) & Q(finding__isnull=True)),
                violation_error_message=_("督查问题来源的整改单须关联发现问题。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.status == OrderStatus.CLOSED

    @classmethod
    def restrict_extra(cls, qs, *, user, action, assignments):
        return sources.narrow(qs, "", user=user, assignments=assignments)

    def audit_anchors(self) -> dict:
        src = sources.source(self.source_kind)
        if src is not None and src.audit_anchors is not None:
            return src.audit_anchors(self)
        station = self.station
        return {
            "station_id": station.pk,
            "subdistrict_id": station.subdistrict_id,
            "district_id": station.district_id,
            "institution_id": self.institution_id,
        }


class _OrderChild(ScopedModel):
    scope = Scope(
        station="order__station",
        subdistrict="order__station__subdistrict",
        district="order__station__district",
        institution="order__institution",
        assignees={Role.INSPECTOR: "order__finding__inspection__team__user"},
    )
    scope_actions = ORDER_CHILD_ACTIONS
    objects = ScopedManager()

    class Meta:
        abstract = True

    @classmethod
    def restrict_extra(cls, qs, *, user, action, assignments):
        return sources.narrow(qs, "order__", user=user, assignments=assignments)


class RectificationResponse(_OrderChild):
    """整改反馈: what the station did, with evidence files."""

    order = models.ForeignKey(
        RectificationOrder,
        on_delete=models.CASCADE,
        related_name="responses",
        verbose_name=_("整改通知单"),
    )
    text = models.TextField(_("整改情况"))
    responded_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("反馈人"),
    )
    responded_at = models.DateTimeField(_("反馈时间"), auto_now_add=True)

    audit_former_labels = ("inspections.rectificationresponse",)

    class Meta:
        db_table = "inspections_rectificationresponse"
        verbose_name = _("整改反馈")
        verbose_name_plural = _("整改反馈")
        ordering = ["order_id", "responded_at"]

    def __str__(self) -> str:
        return self.text[:60]


class RectificationEvidence(_OrderChild):
    """整改佐证材料: a file attached to a response."""

    response = models.ForeignKey(
        RectificationResponse,
        on_delete=models.CASCADE,
        related_name="evidence",
        verbose_name=_("整改反馈"),
    )
    order = models.ForeignKey(
        RectificationOrder, on_delete=models.CASCADE, related_name="+", verbose_name=_("整改通知单")
    )
    file = models.FileField(_("文件"), upload_to="inspections/evidence/%Y/%m/")
    content_type = models.CharField(max_length=80)
    size = models.PositiveIntegerField(_("大小（字节）"))
    name = models.CharField(_("文件名"), max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    audit_hidden_fields = ("file",)

    audit_former_labels = ("inspections.rectificationevidence",)

    class Meta:
        db_table = "inspections_rectificationevidence"
        verbose_name = _("整改佐证")
        verbose_name_plural = _("整改佐证")
        ordering = ["response_id", "pk"]

    def __str__(self) -> str:
        return self.name


class RectificationEvent(_OrderChild):
    """整改记录: one status change of an order (the order's whole history)."""

    order = models.ForeignKey(
        RectificationOrder,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("整改通知单"),
    )
    kind = models.CharField(_("事项"), max_length=12, choices=OrderEventKind.choices)
    from_status = models.CharField(
        _("原状态"), max_length=10, choices=OrderStatus.choices, blank=True
    )
    to_status = models.CharField(_("新状态"), max_length=10, choices=OrderStatus.choices)
    note = models.TextField(_("说明"), blank=True)
    actor = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    audit_former_labels = ("inspections.rectificationevent",)

    class Meta:
        db_table = "inspections_rectificationevent"
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")
        ordering = ["order_id", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.get_to_status_display()}"
