"""Key rotation: add the new key first, re-encrypt, then the old key can go."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from portal import crypto
from talent.models import SocialWorker

pytestmark = pytest.mark.django_db


def test_rotate_field_keys_re_encrypts_under_the_new_key(people, settings):
    old = list(settings.PORTAL_FIELD_KEYS)
    new = Fernet.generate_key().decode()
    settings.PORTAL_FIELD_KEYS = [new, *old]
    call_command("rotate_field_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.PORTAL_FIELD_KEYS = [new]
    person = SocialWorker.objects.get(pk=people.ana.pk)
    assert crypto.decrypt(person.id_number_cipher) == people.ana_id


def test_without_the_key_nothing_decrypts(people, settings):
    settings.PORTAL_FIELD_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(RuntimeError):
        crypto.decrypt(SocialWorker.objects.get(pk=people.ana.pk).id_number_cipher)


def test_a_new_hash_key_is_applied_by_the_rotation(people, settings):
    from talent import services

    settings.PORTAL_HASH_KEY = "another-hash-key"
    call_command("rotate_field_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert SocialWorker.objects.filter(
        id_number_hash=services.id_number_hash(people.ana_id)
    ).exists()
