"""Seed the policy versions of ../shared/domain/RULES.md and one security row per role.

Two versions: the rules before 穗府办规〔2018〕13号 (2,000,000 yuan, 60%) and the 2018 rules
(2,400,000 yuan, 65%), so contracts of every demo service year are judged by their own rules.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

ROLES = [
    "city_admin", "city_officer", "district_officer", "subdistrict_officer",
    "institution_admin", "station_manager", "evaluator", "inspector",
]


def forwards(apps, schema_editor):
    PolicyVersion = apps.get_model("portal", "PolicyVersion")
    RoleSecurity = apps.get_model("portal", "RoleSecurity")
    if not PolicyVersion.objects.exists():
        PolicyVersion.objects.create(
            name="2018年以前标准",
            effective_from=date(2012, 1, 1),
            source="穗府办规〔2018〕13号施行前：每站每年200万元，人员支出不低于60%。",
            standard_annual_fee=Decimal("2000000.00"),
            personnel_floor_percent=Decimal("60.00"),
        )
        PolicyVersion.objects.create(
            name="穗府办规〔2018〕13号",
            effective_from=date(2018, 1, 1),
            source=(
                "穗府办规〔2018〕13号；穗民规字〔2019〕11号；民发〔2009〕44号、123号；"
                "市民政局穗民案〔2020〕101号答复函。等级分数线、整改期限、持证比例为暂定值。"
            ),
        )
    for role in ROLES:
        RoleSecurity.objects.get_or_create(role=role)


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_audit_append_only")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
