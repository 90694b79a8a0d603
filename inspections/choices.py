from django.db import models
from django.utils.translation import gettext_lazy as _

from rectification.choices import SEVERITY_RANK, Area, Severity  # noqa: F401 - shared codes


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
