from django.db import models
from django.utils.translation import gettext_lazy as _


class SubdistrictKind(models.TextChoices):
    STREET = "street", _("街道")
    TOWN = "town", _("镇")
    # Town-level units that are neither (a reservoir, a forest farm in Conghua district).
    SPECIAL = "special", _("其他（林场、水库等）")


class CommunityKind(models.TextChoices):
    RESIDENTS = "residents", _("居委会")
    VILLAGE = "village", _("村委会")


class InstitutionRating(models.TextChoices):
    NONE = "none", _("未评级")
    A1 = "1a", "1A"
    A2 = "2a", "2A"
    A3 = "3a", "3A"
    A4 = "4a", "4A"
    A5 = "5a", "5A"


class InstitutionStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", _("暂停承接")
    DEREGISTERED = "deregistered", _("已注销")


class CreditListKind(models.TextChoices):
    ABNORMAL_OPERATION = "abnormal_operation", _("活动异常名录")
    SERIOUS_DISHONESTY = "serious_dishonesty", _("严重违法失信名单")
    ADMINISTRATIVE_PENALTY = "administrative_penalty", _("行政处罚")


class ManagementMode(models.TextChoices):
    STANDARD = "standard", _("常规模式")
    # 2019 provincial pilot in five towns (reply letter, 穗民案〔2020〕101号).
    PILOT_2019 = "pilot_2019", _("试点模式（站长领导制+副站长负责制）")


class StationStatus(models.TextChoices):
    ACTIVE = "active", _("运营中")
    SUSPENDED = "suspended", _("暂停")
    CLOSED = "closed", _("已撤销")


class ContractStatus(models.TextChoices):
    """A terminated contract stays in force up to its (shortened) end date."""

    DRAFT = "draft", _("草稿")
    SIGNED = "signed", _("已签订")
    TERMINATED = "terminated", _("提前终止")
    CANCELLED = "cancelled", _("已作废")


# Contracts that bind their period: signed, or signed and ended early.
BINDING_CONTRACT_STATUSES = (ContractStatus.SIGNED, ContractStatus.TERMINATED)
