"""Choices of the services app: stored values are stable lowercase ASCII, labels Chinese."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    """A service user may decline to state it (PIPL: collect no more than needed)."""

    MALE = "male", _("男")
    FEMALE = "female", _("女")
    UNSTATED = "unstated", _("未说明")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("书面签署")
    ORAL = "oral", _("口头同意（已记录）")
    ELECTRONIC = "electronic", _("电子确认")
    GUARDIAN = "guardian", _("监护人书面同意")


class KindCode(models.TextChoices):
    """The service kinds records are counted by; their words live in the catalogue."""

    CASE = "case", _("个案")
    GROUP = "group", _("小组")
    ACTIVITY = "activity", _("社区活动")
    HOME_VISIT = "home_visit", _("探访")
    REFERRAL = "referral", _("咨询转介")


class CaseStep(models.TextChoices):
    """Where a case session stands: the monthly report counts cases opened and closed."""

    OPENED = "opened", _("开案")
    ONGOING = "ongoing", _("跟进")
    CLOSED = "closed", _("结案")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("待填报")
    SUBMITTED = "submitted", _("已提交，待镇街审核")
    SUBDISTRICT_APPROVED = "subdistrict_approved", _("镇街已审核，待区审核")
    APPROVED = "approved", _("区已审核通过")
    RETURNED = "returned", _("已退回")


# A station manager may still edit these; the reviewers act on the others.
REPORT_EDITABLE = (ReportStatus.OPEN, ReportStatus.RETURNED)
