"""``manage.py demo --scale city|province|nation [--seed N] [--if-empty]``: load demo data.

Generated and deterministic from the seed; every app adds its steps (``stations.demo``).
Creates the demo accounts (password ``stations.demo.DEMO_PASSWORD``); nothing else does.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from stations.demo import DEFAULT_SEED, SCALES, run_demo
from stations.models import Station


class Command(BaseCommand):
    help = "生成演示数据（确定性随机种子）：city 201个社工站，province 2,000个，nation 40,000个。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALES), default="city")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when stations already exist"
        )

    def handle(self, *args, scale, seed, if_empty, **options):
        if Station.objects.exists():
            if if_empty:
                self.stdout.write("已有社工站数据，跳过演示数据生成。")
                return
            raise CommandError(
                "数据库中已有社工站数据：演示数据只载入空数据库。"
                "使用 --if-empty 跳过，或换一个新的数据库。"
            )
        verbose = options.get("verbosity", 1) > 1
        log = self.stdout.write if verbose else (lambda _msg: None)
        with transaction.atomic():
            ctx = run_demo(scale=scale, seed=seed, log=log)
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据（{scale}，种子{seed}）：社工站{len(ctx.data['stations'])}个，"
                f"承接机构{len(ctx.data['institutions'])}家，用时{ctx.timings['total']:.1f}秒。"
            )
        )
        self.stdout.write("演示账号：" + "、".join(sorted(ctx.data.get("accounts", {}))))
