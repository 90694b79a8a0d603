"""Seed the service catalogue and the services policy from ../shared/domain/RULES.md.

Rows cited (RULES.md, section "Services (服务)"):
- "service model": 113X from 穗民〔2019〕314号; the meaning of each digit is not confirmed, so
  the tier words are placeholders the city officer edits.
- "service fields": elderly, youth, women and children, family, community drug
  rehabilitation, community correction (reply letter); disability and assistance (issue 14).
- "target groups (editable tags, 兜底 flag)": 穗府办〔2023〕7号 art. 4.
- "monthly service report due": unknown, default the 10th of the following month.
Idempotent (get_or_create): the test suite replays ``*_seed_*`` migrations after a flush.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

EFFECTIVE = dt.date(2019, 1, 1)

TIERS = [
    ("1a", "1：第一层（含义待确认）", 1),
    ("1b", "1：第二层（含义待确认）", 2),
    ("3", "3：第三层（含义待确认）", 3),
    ("x", "X：适度普惠服务（含义待确认）", 4),
]
# (code, name, sensitive)
FIELDS = [
    ("elderly", "长者", False),
    ("youth", "青少年", False),
    ("women_children", "妇女儿童", False),
    ("family", "家庭", False),
    ("drug_rehab", "社区戒毒社区康复", True),
    ("correction", "社区矫正", True),
    ("disability_assistance", "残障与救助", False),
]
# (code, name, basic_guarantee, sensitive, parent)
GROUPS = [
    ("dibao", "低保", True, False, None),
    ("tekun", "特困", True, False, None),
    ("dibao_edge", "低保边缘/低收入", True, False, None),
    ("expense_hardship", "支出型困难家庭", True, False, None),
    ("disabled", "残疾人", True, True, None),
    ("vagrant", "流浪乞讨", True, False, None),
    ("left_behind_child", "农村留守儿童", True, True, None),
    ("child_in_difficulty", "困境儿童", True, True, None),
    ("single_poor_mother", "单身特困母亲", True, False, None),
    ("left_behind_woman", "农村留守妇女", True, False, None),
    ("elderly_special", "特殊困难老年人", True, False, None),
    ("elderly_lonely", "孤寡老人", True, False, "elderly_special"),
    ("elderly_empty_nest", "空巢老人", True, False, "elderly_special"),
    ("elderly_alone", "独居老人", True, False, "elderly_special"),
    ("elderly_left_behind", "留守老人", True, False, "elderly_special"),
    ("elderly_incapacitated", "失能老人", True, False, "elderly_special"),
    ("elderly_severe_disability", "重残老人", True, True, "elderly_special"),
    ("elderly_family_planning", "计生特殊家庭老人", True, False, "elderly_special"),
    ("general", "社区居民（适度普惠）", False, False, None),
]
# (kind, name, max person-times of one record, max hours of one record): unknown, stated
# defaults: a home visit or case session reaches a household, a referral a few people.
KINDS = [
    ("case", "个案", 10, Decimal("8.00")),
    ("group", "小组", 60, Decimal("8.00")),
    ("activity", "社区活动", 3000, Decimal("12.00")),
    ("home_visit", "探访", 20, Decimal("8.00")),
    ("referral", "咨询转介", 20, Decimal("4.00")),
]


def seed(apps, schema_editor):
    Version = apps.get_model("services", "CatalogueVersion")
    Tier = apps.get_model("services", "Tier")
    Field = apps.get_model("services", "ServiceField")
    Group = apps.get_model("services", "TargetGroup")
    Kind = apps.get_model("services", "ServiceKind")
    Policy = apps.get_model("services", "ServicePolicy")
    version, _ = Version.objects.get_or_create(
        effective_from=EFFECTIVE,
        defaults={
            "name": "113X服务目录（初始版）",
            "source": "穗民〔2019〕314号（113X服务模式）；穗府办〔2023〕7号第四条（服务对象类别）；"
            "市民政局2020年答复函（服务领域）。",
        },
    )
    tiers = {}
    for order, (code, name, position) in enumerate(TIERS, start=1):
        tiers[code], _ = Tier.objects.get_or_create(
            version=version,
            code=code,
            defaults={"name": name, "order": order, "note": f"第{position}位，含义未经确认。"},
        )
    for order, (code, name, sensitive) in enumerate(FIELDS, start=1):
        Field.objects.get_or_create(
            version=version,
            code=code,
            defaults={"name": name, "order": order, "sensitive": sensitive},
        )
    made = {}
    for order, (code, name, basic, sensitive, parent) in enumerate(GROUPS, start=1):
        made[code], _ = Group.objects.get_or_create(
            version=version,
            code=code,
            defaults={
                "name": name,
                "order": order,
                "basic_guarantee": basic,
                "sensitive": sensitive,
                "parent": made.get(parent),
                "note": "" if code == "general" else "穗府办〔2023〕7号第四条",
            },
        )
    for order, (kind, name, max_pt, max_h) in enumerate(KINDS, start=1):
        Kind.objects.get_or_create(
            version=version,
            code=kind,
            defaults={
                "kind": kind,
                "name": name,
                "order": order,
                "max_person_times": max_pt,
                "max_hours": max_h,
            },
        )
    Policy.objects.get_or_create(
        effective_from=EFFECTIVE,
        defaults={"name": "服务政策参数（初始版）", "report_due_day": 10},
    )


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
