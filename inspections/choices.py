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


class ChecklistStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ACTIVE = "active", _("启用")
    RETIRED = "retired", _("停用")


class ChecklistKind(models.TextChoices):
    QUARTERLY = "quarterly", _("季度督查")
    CAMPAIGN = "campaign", _("专项督查")


class SampleMode(models.TextChoices):
    RATE = "rate", _("按比例抽取")
    COUNT = "count", _("按数量抽取")


# Why a station is on a quarter's plan (``Inspection.draw_reason``, written by the draw in
# ``rules.draw``); a label for each stored code, shown on the plan and in its export.
DRAW_REASON_LABELS = {
    "drawn": _("随机抽中"),
    "forced_annual": _("本年度尚未督查，必查"),
    "manual": _("人工加入"),
}


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草拟")
    CONFIRMED = "confirmed", _("已确认")


class VisitMode(models.TextChoices):
    SCHEDULED = "scheduled", _("定期抽查")
    UNANNOUNCED = "unannounced", _("随机暗访")


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("待督查")
    IN_PROGRESS = "in_progress", _("督查中")
    SIGNED_OFF = "signed_off", _("已签署")
    CANCELLED = "cancelled", _("已取消")


class AnswerResult(models.TextChoices):
    PASS = "pass", _("符合")
    FAIL = "fail", _("不符合")
    NOT_APPLICABLE = "na", _("不适用")


class MemberBody(models.TextChoices):
    """督查组成员单位 (RULES.md, inspection team)."""

    CITY_LEADING_GROUP = "city_leading_group", _("市领导小组成员单位")
    CITY_CENTRE = "city_centre", _("市社区服务中心")
    ASSOCIATION = "association", _("社会工作协会")
    DISTRICT_BUREAU = "district_bureau", _("区民政局")
    FIRE_DEPARTMENT = "fire_department", _("区消防部门")
    FINANCE = "finance", _("财政部门")


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
