"""A terminated contract keeps its (shortened) period: it still excludes overlaps (PostgreSQL).

0002 covered signed contracts only. A contract ended early stays in force up to its new end
date, so the exclusion constraint now covers signed and terminated comprehensive contracts.
"""

from django.db import migrations

RECREATE = """
ALTER TABLE stations_contract DROP CONSTRAINT IF EXISTS stations_contract_one_comprehensive_per_day;
ALTER TABLE stations_contract
    ADD CONSTRAINT stations_contract_one_comprehensive_per_day
    EXCLUDE USING gist (
        station_id WITH =,
        daterange(starts_on, ends_on, '[]') WITH &&
    ) WHERE (is_comprehensive AND status IN ('signed', 'terminated'));
"""
RESTORE = """
ALTER TABLE stations_contract DROP CONSTRAINT IF EXISTS stations_contract_one_comprehensive_per_day;
ALTER TABLE stations_contract
    ADD CONSTRAINT stations_contract_one_comprehensive_per_day
    EXCLUDE USING gist (
        station_id WITH =,
        daterange(starts_on, ends_on, '[]') WITH &&
    ) WHERE (is_comprehensive AND status = 'signed');
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RECREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RESTORE)


class Migration(migrations.Migration):
    dependencies = [("stations", "0004_contract_termination_and_special_areas")]
    operations = [migrations.RunPython(forwards, backwards)]
