"""Codes of the rectification app: where an order comes from, its states and escalation.

Severity and area are shared with the inspections app (a finding carries both to its order).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.TextChoices):
    """督查领域: the focus areas of the 2018 督查制度 and the 2019-2020 special campaign."""

    SAFETY = "safety", _("安全管理（含消防安全）")
    STANDARDISATION = "standardisation", _("标准化建设")
    SPECIAL_GROUPS = "special_groups", _("特殊困难群体服务")
    EPIDEMIC = "epidemic", _("疫情防控")
    PROFESSIONAL = "professional", _("专业服务")
    GOVERNANCE = "governance", _("内部治理")
    FINANCE = "finance", _("财务管理")


class Severity(models.TextChoices):
    """Severity of a finding; the rectification deadline per severity comes from the policy."""

    MINOR = "minor", _("一般")
    MAJOR = "major", _("较重")
    CRITICAL = "critical", _("严重")


SEVERITY_RANK = {Severity.MINOR: 1, Severity.MAJOR: 2, Severity.CRITICAL: 3}


class SourceKind(models.TextChoices):
    """Where a rectification order comes from: one mechanism shared with evaluations."""

    INSPECTION_FINDING = "inspection_finding", _("督查发现问题")
    EVALUATION = "evaluation", _("评估")
    OTHER = "other", _("其他")


class OrderStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    ANSWERED = "answered", _("已反馈待核验")
    REOPENED = "reopened", _("退回重新整改")
    CLOSED = "closed", _("已验收关闭")


OPEN_ORDER_STATUSES = (OrderStatus.OPEN, OrderStatus.ANSWERED, OrderStatus.REOPENED)
# The station still has to act: an answered order waits for the verifier, not the station.
AWAITING_STATION = (OrderStatus.OPEN, OrderStatus.REOPENED)


class EscalationLevel(models.IntegerChoices):
    NONE = 0, _("未升级")
    STATION = 1, _("社工站")
    INSTITUTION = 2, _("承接机构")
    DISTRICT = 3, _("区民政局")
    CITY = 4, _("市民政局")


class OrderEventKind(models.TextChoices):
    OPENED = "opened", _("下达")
    ANSWERED = "answered", _("整改反馈")
    ACCEPTED = "accepted", _("核验通过")
    REJECTED = "rejected", _("核验退回")
    ESCALATED = "escalated", _("逾期升级")
