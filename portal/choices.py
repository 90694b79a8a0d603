from enum import IntEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of DESIGN.md section 3. A user holds one or more role assignments."""

    CITY_ADMIN = "city_admin", _("市级管理员")
    CITY_OFFICER = "city_officer", _("市级业务人员")
    DISTRICT_OFFICER = "district_officer", _("区民政局人员")
    SUBDISTRICT_OFFICER = "subdistrict_officer", _("镇街人员")
    INSTITUTION_ADMIN = "institution_admin", _("承接机构管理员")
    STATION_MANAGER = "station_manager", _("社工站站长")
    EVALUATOR = "evaluator", _("第三方评估人员")
    INSPECTOR = "inspector", _("督查人员")


CITY_ROLES = frozenset({Role.CITY_ADMIN, Role.CITY_OFFICER})
STAFF_SIDE_ROLES = frozenset(
    {Role.CITY_ADMIN, Role.CITY_OFFICER, Role.DISTRICT_OFFICER, Role.SUBDISTRICT_OFFICER}
)
STATION_SIDE_ROLES = frozenset({Role.INSTITUTION_ADMIN, Role.STATION_MANAGER})
ALL_ROLES = frozenset(Role)

# Which anchor each role's assignment must name (and no other).
ROLE_ANCHOR = {
    Role.CITY_ADMIN: None,
    Role.CITY_OFFICER: None,
    Role.DISTRICT_OFFICER: "district",
    Role.SUBDISTRICT_OFFICER: "subdistrict",
    Role.INSTITUTION_ADMIN: "institution",
    Role.STATION_MANAGER: "station",
    Role.EVALUATOR: None,
    Role.INSPECTOR: None,
}


class AuditAction(models.TextChoices):
    CREATE = "create", _("新建")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    LOGIN = "login", _("登录")
    LOGOUT = "logout", _("退出")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKOUT = "lockout", _("账号锁定")
    UNLOCK = "unlock", _("解除锁定")
    SENSITIVE_READ = "sensitive_read", _("查看敏感信息")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    ACTION = "action", _("操作")


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")
    DENIED = "denied", _("拒绝")


class DeadlineKind(models.TextChoices):
    """The deadlines the portal reminds of and escalates (``DeadlineLadder``), one ladder each."""

    EVALUATION_SELF = "evaluation_self", _("评估自评提交")
    EVALUATION_SCORING = "evaluation_scoring", _("评估评分")
    FUNDING_REPORT = "funding_report", _("经费支出报告")
    TALENT_RENEWAL = "talent_renewal", _("社工登记续期")
    SERVICE_REPORT = "service_report", _("月度服务报告")
    RECTIFICATION = "rectification", _("整改单")


class LadderLevel(IntEnum):
    """Who hears of a deadline missed, in order: each level is told from its own day late.

    A plain enum, not a model-field choice set: rectification orders store their level with
    ``inspections.choices.EscalationLevel``, whose values are these.
    """

    NONE = 0
    STATION = 1
    INSTITUTION = 2
    DISTRICT = 3
    CITY = 4


# The role each level of a ladder tells (``portal.selectors.users_responsible_for``).
LEVEL_ROLES = {
    LadderLevel.STATION: Role.STATION_MANAGER,
    LadderLevel.INSTITUTION: Role.INSTITUTION_ADMIN,
    LadderLevel.DISTRICT: Role.DISTRICT_OFFICER,
    LadderLevel.CITY: Role.CITY_OFFICER,
}
