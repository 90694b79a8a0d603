"""Choices of the evaluations app: stable lowercase values, Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    """评估阶段: each service year has a mid-term and a final evaluation (穗民规字〔2019〕11号)."""

    MIDTERM = "midterm", _("中期评估")
    FINAL = "final", _("末期评估")


class NodePhase(models.TextChoices):
    """The phase(s) an indicator applies to."""

    MIDTERM = "midterm", _("中期")
    FINAL = "final", _("末期")
    BOTH = "both", _("中期和末期")


class NodeLevel(models.TextChoices):
    DIMENSION = "dimension", _("维度")
    INDICATOR = "indicator", _("指标")
    ITEM = "item", _("评分项")


class Scorer(models.TextChoices):
    """Who scores an indicator (reply letter; Nansha district measures for the split)."""

    EVALUATOR = "evaluator", _("第三方评估机构")
    PURCHASER = "purchaser", _("购买方（镇街）")
    SUPERVISOR = "supervisor", _("主管部门（区民政局）")
    COMMUNITY = "community", _("村（居）委会")
    USERS = "users", _("服务对象（问卷）")
    FINANCIAL = "financial", _("财务评估（第三方，末期）")


class Method(models.TextChoices):
    DOCUMENTS = "documents", _("资料查阅")
    QUESTIONNAIRE = "questionnaire", _("问卷调查")
    PHONE = "phone", _("电话访谈")
    INTERVIEW = "interview", _("面对面访谈")
    SITE_VISIT = "site_visit", _("实地查看")


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ADOPTED = "adopted", _("已启用")
    RETIRED = "retired", _("已停用")


class CycleStatus(models.TextChoices):
    PLANNED = "planned", _("待开启")
    OPEN = "open", _("进行中")
    PUBLISHED = "published", _("已发布")


class EvaluationStatus(models.TextChoices):
    """Progress of one station's evaluation; the cycle board counts these."""

    NOT_STARTED = "not_started", _("未提交自评")
    SUBMITTED = "submitted", _("已提交自评")
    SCORED = "scored", _("已评分")
    IN_APPEAL = "in_appeal", _("申诉中")
    PUBLISHED = "published", _("已发布")


STATUS_ORDER = [s.value for s in EvaluationStatus]


class Grade(models.TextChoices):
    """等级: bands from the policy version in force (RULES.md: Shenzhen 2021 defaults)."""

    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class RespondentGroup(models.TextChoices):
    COMMUNITY = "community", _("村（居）委会等社区伙伴")
    USERS = "users", _("服务对象")


# Which respondent group's survey feeds which scorer's indicators.
GROUP_FOR_SCORER: dict[str, RespondentGroup] = {
    Scorer.COMMUNITY: RespondentGroup.COMMUNITY,
    Scorer.USERS: RespondentGroup.USERS,
}
SURVEY_SCORERS = frozenset(GROUP_FOR_SCORER)


class AppealStatus(models.TextChoices):
    FILED = "filed", _("待评估机构答复")
    ANSWERED = "answered", _("待市级裁定")
    DECIDED = "decided", _("已裁定")


class AppealDecision(models.TextChoices):
    UPHELD = "upheld", _("申诉成立")
    PARTLY = "partly", _("部分成立")
    REJECTED = "rejected", _("驳回")


class ReminderStage(models.TextChoices):
    SELF = "self", _("自评")
    SCORING = "scoring", _("评分")
    APPEAL = "appeal", _("申诉答复")


# The satisfaction survey: each question is answered 1 (very unsatisfied) to 5. The questions
# themselves are reference data (``SurveyQuestion``), seeded with placeholder wording.
SURVEY_SCALE = (1, 5)
