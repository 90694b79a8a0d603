"""Re-encrypt every stored ID number under the first key of PORTAL_FIELD_KEYS and recompute
its keyed hash under PORTAL_HASH_KEY (talent/README_keys.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from portal import audit, crypto
from portal.choices import AuditAction
from talent import rules
from talent.models import SocialWorker

BATCH = 2000


class Command(BaseCommand):
    help = "Re-encrypt ID numbers under the first key (after adding a key, before removing one)."

    def handle(self, *args, **options):
        done = 0
        last = 0
        while True:
            with transaction.atomic():
                batch = list(
                    SocialWorker.objects.select_for_update()
                    .filter(pk__gt=last)
                    .order_by("pk")
                    .only("pk", "id_number_cipher", "id_number_hash")[:BATCH]
                )
                if not batch:
                    break
                for person in batch:
                    number = rules.normalise_id_number(crypto.decrypt(person.id_number_cipher))
                    person.id_number_cipher = crypto.encrypt(number)
                    person.id_number_hash = crypto.keyed_hash(number)
                SocialWorker.objects.bulk_update(batch, ["id_number_cipher", "id_number_hash"])
                last = batch[-1].pk
                done += len(batch)
        audit.record(
            AuditAction.ACTION,
            object_type="talent.socialworker",
            object_repr="PORTAL_FIELD_KEYS",
            message=f"个人信息密钥轮换：重新加密{done}条身份证号",
            actor_name="system",
        )
        self.stdout.write(f"re-encrypted {done} ID numbers under the first key")
