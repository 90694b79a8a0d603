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
