"""The board's first expiry column counts the renewal window of the policy (``window_end``),
not a fixed 90 days. Summaries are recomputed nightly, so the old counts need no rewrite."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("talent", "0003_staffing_summary")]
    operations = [
        migrations.RenameField(
            model_name="staffingsummary", old_name="expiring_90", new_name="expiring_window"
        ),
    ]
