"""A person is employed full-time at no more than one station on any day (PostgreSQL).

An exclusion constraint over the employment period of full-time rows (an open end is
unbounded). The service checks the same rule first so users get a Chinese message naming the
other station; this constraint is what holds under concurrent writes. SQLite relies on the
service.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE talent_employment
    ADD CONSTRAINT talent_employment_one_full_time_per_day
    EXCLUDE USING gist (
        person_id WITH =,
        daterange(starts_on, ends_on, '[]') WITH &&
    ) WHERE (employment_type = 'full_time');
"""
DROP = (
    "ALTER TABLE talent_employment "
    "DROP CONSTRAINT IF EXISTS talent_employment_one_full_time_per_day;"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("talent", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
