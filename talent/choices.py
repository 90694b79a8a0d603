from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class EducationLevel(models.TextChoices):
    SECONDARY = "secondary", _("高中及以下")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    MASTER = "master", _("硕士研究生")
    DOCTOR = "doctor", _("博士研究生")


class Position(models.TextChoices):
    HEAD = "head", _("站长")
    DEPUTY_HEAD = "deputy_head", _("副站长")
    SUPERVISOR = "supervisor", _("督导")
    PROJECT_LEAD = "project_lead", _("项目主管")
    FRONTLINE = "frontline", _("一线社工")
    ASSISTANT = "assistant", _("社工助理（未持证）")
    ADMIN_FINANCE = "admin_finance", _("行政财务")


class EmploymentType(models.TextChoices):
    FULL_TIME = "full_time", _("全职")
    PART_TIME = "part_time", _("兼职")


class CertificateLevel(models.TextChoices):
    """职业水平证书等级 (国人部发〔2006〕71号; 人社部规〔2018〕2号)."""

    ASSISTANT = "assistant", _("助理社会工作师")
    INTERMEDIATE = "intermediate", _("社会工作师")
    SENIOR = "senior", _("高级社会工作师")


# Higher is better; used to find a person's highest certificate.
LEVEL_RANK = {
    CertificateLevel.ASSISTANT: 1,
    CertificateLevel.INTERMEDIATE: 2,
    CertificateLevel.SENIOR: 3,
}


class ProgrammeKind(models.TextChoices):
    PRE_EXAM = "pre_exam", _("考前培训")
    NEW_STAFF = "new_staff", _("新入职培训")
    MANAGEMENT = "management", _("管理人才培训")
    SUPERVISOR = "supervisor", _("督导人才培训")
    CONTINUING = "continuing", _("继续教育")


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("已报名")
    COMPLETED = "completed", _("已结业")
    WITHDRAWN = "withdrawn", _("已退出")


class CEHourSource(models.TextChoices):
    PROGRAMME = "programme", _("平台培训")
    EXTERNAL = "external", _("其他继续教育")


class HonourLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")


class HonourKind(models.TextChoices):
    LEADING_TALENT = "leading_talent", _("领军人才")
    MODEL_WORKER = "model_worker", _("劳动模范")
    EXCELLENT_EXPERT = "excellent_expert", _("优秀专家")
    YOUNG_RESERVE = "young_reserve", _("青年后备人才")
    OTHER = "other", _("其他荣誉")
