"""Seed project kinds: the comprehensive station project and the special projects named in the
Guangzhou Civil Affairs Bureau's 2020 reply letter (an editable list)."""

from django.db import migrations

# The letter counts 14 special projects but names only three; the others are added by the
# city admin as they are tendered, and "other" holds the rest until then.
KINDS = [
    ("comprehensive", "社工服务站综合项目", True),
    ("bereaved_elderly", "失独老人服务", False),
    ("medical", "医务社工服务", False),
    ("marriage_family", "婚姻家庭服务", False),
    ("other_special", "其他专项服务", False),
]


def forwards(apps, schema_editor):
    ProjectKind = apps.get_model("stations", "ProjectKind")
    for order, (code, name, comprehensive) in enumerate(KINDS):
        ProjectKind.objects.get_or_create(
            code=code, defaults={"name": name, "is_comprehensive": comprehensive, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("stations", "0002_one_comprehensive_contract_per_day")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
