"""The rectification models moved to the rectification app: removed from this app's state only.

Their tables (``inspections_rectification*``) stay where they are, with their rows; the
rectification app's first migration takes them over under the same names.
"""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0002_seed_checklists_and_settings'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='rectificationevidence',
                    name='order',
                ),
                migrations.RemoveField(
                    model_name='rectificationevidence',
                    name='response',
                ),
                migrations.RemoveField(
                    model_name='rectificationorder',
                    name='finding',
                ),
                migrations.RemoveField(
                    model_name='rectificationorder',
                    name='institution',
                ),
                migrations.RemoveField(
                    model_name='rectificationorder',
                    name='opened_by',
                ),
                migrations.RemoveField(
                    model_name='rectificationorder',
                    name='policy_version',
                ),
                migrations.RemoveField(
                    model_name='rectificationorder',
                    name='station',
                ),
                migrations.RemoveField(
                    model_name='rectificationresponse',
                    name='order',
                ),
                migrations.RemoveField(
                    model_name='rectificationresponse',
                    name='responded_by',
                ),
                migrations.DeleteModel(
                    name='RectificationEvent',
                ),
                migrations.DeleteModel(
                    name='RectificationEvidence',
                ),
                migrations.DeleteModel(
                    name='RectificationOrder',
                ),
                migrations.DeleteModel(
                    name='RectificationResponse',
                ),
            ],
        ),
    ]
