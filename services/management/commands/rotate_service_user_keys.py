"""Re-encrypt every service user's stored ID number under the first key of PORTAL_FIELD_KEYS
and recompute its keyed hash under PORTAL_HASH_KEY: the services twin of talent's
``rotate_field_keys`` (run both after adding a key, before removing one)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from portal import audit, crypto, idnumbers
from portal.choices import AuditAction
from services.models import ServiceUser

BATCH = 2000


class Command(BaseCommand):
    help = "Re-encrypt service users' ID numbers under the first key."

    def handle(self, *args, **options):
        done = last = 0
        while True:
            with transaction.atomic():
                batch = list(
                    ServiceUser.objects.select_for_update()
                    .filter(pk__gt=last)
                    .exclude(id_number_cipher="")
                    .order_by("pk")
                    .only("pk", "id_number_cipher", "id_number_hash")[:BATCH]
                )
                if not batch:
                    break
                for person in batch:
                    number = idnumbers.normalise_id_number(crypto.decrypt(person.id_number_cipher))
                    person.id_number_cipher = crypto.encrypt(number)
                    person.id_number_hash = crypto.keyed_hash(number)
                ServiceUser.objects.bulk_update(batch, ["id_number_cipher", "id_number_hash"])
                last = batch[-1].pk
                done += len(batch)
        audit.record(
            AuditAction.ACTION,
            object_type="services.serviceuser",
            object_repr="PORTAL_FIELD_KEYS",
            message=f"个人信息密钥轮换：重新加密{done}条服务对象身份证号",
            actor_name="system",
        )
        self.stdout.write(f"re-encrypted {done} service users' ID numbers under the first key")
