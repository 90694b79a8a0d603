"""Seed an example indicator framework (editable).

The Guangzhou tree (穗民〔2019〕293号) is not retrievable (RULES.md: "unknown"), so this is a
marked example built from what is known: who rates what (reply letter; Nansha district
measures) and the methods. Weights and maxima are placeholders for the city officer to edit
in a new version.
"""

from django.db import migrations

CODE = "gz-station"
# (code, name, level, parent, max, weight, phase, scorer, method, evidence)
TREE = [
    ("D1", "项目管理", "dimension", "", None, 15, "both", "evaluator", "documents", ""),
    ("D1.1", "制度建设", "indicator", "D1", None, None, "both", "evaluator", "documents", ""),
    ("D1.1.1", "管理制度健全并执行", "item", "D1.1", 5, None, "both", "evaluator", "documents",
     "管理制度汇编、会议记录"),
    ("D1.1.2", "服务档案规范完整", "item", "D1.1", 5, None, "both", "evaluator", "documents",
     "个案、小组、社区活动档案"),
    ("D1.2", "人员配置", "indicator", "D1", None, None, "both", "evaluator", "documents", ""),
    ("D1.2.1", "社工配备与持证比例达标", "item", "D1.2", 5, None, "both", "evaluator",
     "documents", "人员花名册、证书、劳动合同"),
    ("D2", "专业服务", "dimension", "", None, 45, "both", "evaluator", "documents", ""),
    ("D2.1", "需求评估", "indicator", "D2", None, None, "both", "evaluator", "documents", ""),
    ("D2.1.1", "社区需求调研与服务计划", "item", "D2.1", 10, None, "both", "evaluator",
     "documents", "需求调研报告、年度服务计划"),
    ("D2.2", "服务成效", "indicator", "D2", None, None, "both", "evaluator", "site_visit", ""),
    ("D2.2.1", "个案服务质量", "item", "D2.2", 10, None, "both", "evaluator", "site_visit",
     "个案档案抽查"),
    ("D2.2.2", "小组与社区活动", "item", "D2.2", 10, None, "both", "evaluator", "site_visit",
     "活动记录、照片"),
    ("D2.2.3", "服务指标完成情况", "item", "D2.2", 10, None, "both", "evaluator", "documents",
     "服务统计报表"),
    ("D2.3", "服务满意度", "indicator", "D2", None, None, "both", "users", "questionnaire", ""),
    ("D2.3.1", "服务对象满意度", "item", "D2.3", 10, None, "both", "users", "questionnaire",
     "满意度问卷"),
    ("D2.3.2", "村（居）委会评价", "item", "D2.3", 5, None, "both", "community",
     "questionnaire", "社区伙伴问卷"),
    ("D3", "购买方与主管部门评价", "dimension", "", None, 25, "both", "purchaser", "interview",
     ""),
    ("D3.1", "镇街评价", "indicator", "D3", None, None, "both", "purchaser", "interview", ""),
    ("D3.1.1", "日常管理与服务成效", "item", "D3.1", 10, None, "both", "purchaser", "interview",
     "镇街评价表"),
    ("D3.2", "区民政局评价", "indicator", "D3", None, None, "both", "supervisor", "documents",
     ""),
    ("D3.2.1", "自查与督查整改落实", "item", "D3.2", 10, None, "both", "supervisor",
     "documents", "自查报告、整改反馈"),
    ("D4", "财务管理", "dimension", "", None, 15, "final", "financial", "documents", ""),
    ("D4.1", "经费使用", "indicator", "D4", None, None, "final", "financial", "documents", ""),
    ("D4.1.1", "人员经费占比达标（≥65%）", "item", "D4.1", 10, None, "final", "financial",
     "documents", "收支明细、工资表"),
    ("D4.1.2", "财务制度与票据规范", "item", "D4.1", 10, None, "final", "financial",
     "documents", "财务制度、记账凭证"),
]


def seed(apps, schema_editor):
    Framework = apps.get_model("evaluations", "Framework")
    Node = apps.get_model("evaluations", "FrameworkNode")
    if Framework.objects.filter(code=CODE).exists():
        return
    fw = Framework.objects.create(
        code=CODE, version=1, name="社工站服务评估指标体系（示例）", status="adopted",
        is_example=True,
        note="穗民〔2019〕293号指标体系无法取得：此为可编辑示例，评分主体与评估方式依据"
             "市民政局答复函，权重和满分为暂定值，请按实际文件生成新版本后修改。")
    by_code = {}
    for order, (code, name, level, parent, mx, weight, phase, scorer, method, evidence) in \
            enumerate(TREE, start=1):
        by_code[code] = Node.objects.create(
            framework=fw, parent=by_code.get(parent), level=level, code=code, name=name,
            max_score=mx, weight=weight, phase=phase, scorer=scorer, method=method,
            evidence=evidence, sort_order=order)


def unseed(apps, schema_editor):
    Framework = apps.get_model("evaluations", "Framework")
    Framework.objects.filter(code=CODE, version=1, cycles__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
