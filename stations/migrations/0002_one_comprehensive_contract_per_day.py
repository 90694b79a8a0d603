"""A station has at most one comprehensive contract in force on any day (PostgreSQL).

An exclusion constraint over the contract period, for signed comprehensive contracts only.
The service checks the same rule first so users get a Chinese message naming the overlap;
this constraint is what holds under concurrent writes. SQLite relies on the service.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE stations_contract
    ADD CONSTRAINT stations_contract_one_comprehensive_per_day
    EXCLUDE USING gist (
        station_id WITH =,
        daterange(starts_on, ends_on, '[]') WITH &&
    ) WHERE (is_comprehensive AND status = 'signed');
"""
DROP = "ALTER TABLE stations_contract DROP CONSTRAINT IF EXISTS stations_contract_one_comprehensive_per_day;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("stations", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
