"""Encryption at rest and keyed hashing of personal data (citizen ID numbers).

Values are encrypted with cryptography's MultiFernet over ``settings.PORTAL_FIELD_KEYS``
(first key encrypts, every key decrypts) and made searchable through an HMAC-SHA256 of the
normalised value under ``settings.PORTAL_HASH_KEY``. Neither the clear value nor anything
derived from it without a key is stored. Key rotation: README.md, "Security".
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from portal import idnumbers


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.PORTAL_FIELD_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode()
    except InvalidToken as error:
        # No key in PORTAL_FIELD_KEYS opens it: a key was removed before rotation finished.
        raise RuntimeError("personal data cannot be decrypted with PORTAL_FIELD_KEYS") from error


def rotate(token: str) -> str:
    """Re-encrypt under the first key (a no-op in meaning, new ciphertext)."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")


def keyed_hash(value: str) -> str:
    key = settings.PORTAL_HASH_KEY
    return hmac.new(
        key.encode() if isinstance(key, str) else key, value.encode(), hashlib.sha256
    ).hexdigest()


@dataclass(frozen=True)
class ProtectedIdNumber:
    """The stored forms of one citizen ID number: never the clear value."""

    cipher: str
    hash: str
    masked: str
    male: bool
    birth_date: date


def protect_id_number(value: str, *, today: date) -> ProtectedIdNumber:
    """Check ``value`` (GB 11643, raising ``InvalidIdNumber``) and return what is stored."""
    facts = idnumbers.check_id_number(value, today=today)
    number = idnumbers.normalise_id_number(value)
    return ProtectedIdNumber(
        cipher=encrypt(number),
        hash=keyed_hash(number),
        masked=idnumbers.mask_id_number(number),
        male=facts.male,
        birth_date=facts.birth_date,
    )


def id_number_hash(value: str) -> str:
    """The look-up hash of an ID number as typed (normalised first)."""
    return keyed_hash(idnumbers.normalise_id_number(value))
