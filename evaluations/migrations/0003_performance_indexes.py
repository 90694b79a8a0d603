"""Indexes for the nation-scale board, list and results table (evaluations_bench)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0002_seed_example_framework"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="evaluation",
            index=models.Index(
                fields=["cycle", "station"],
                include=("id", "status", "total", "grade"),
                name="evaluations_eval_cycle_cover",
            ),
        ),
        migrations.AddIndex(
            model_name="evaluation",
            index=models.Index(
                fields=["cycle", "-total"],
                include=("id", "station"),
                condition=models.Q(("total__isnull", False)),
                name="evaluations_eval_cycle_total",
            ),
        ),
    ]
