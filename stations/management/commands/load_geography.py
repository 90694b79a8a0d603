"""Load (or refresh) the Guangzhou geography fixture: ``manage.py load_geography``."""

from django.core.management.base import BaseCommand

from stations.services import GEOGRAPHY_FIXTURE, geography_load


class Command(BaseCommand):
    help = "载入广州市区划数据（区、镇街、村居），按代码更新，可重复执行。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--path",
            default=str(GEOGRAPHY_FIXTURE),
            help="fixture built by scripts/geography/build_guangzhou.py",
        )

    def handle(self, *args, path, **options):
        counts = geography_load(path=path)
        self.stdout.write(
            f"区 {counts.districts}，镇街 {counts.subdistricts}，村居 {counts.communities}；"
            f"新增 {counts.created}，更新 {counts.updated}"
        )
