"""Writes on users and role assignments. The city admin manages both (User.scope_actions).

Users are never deleted: deactivating keeps their name on every audit row and record they
touched. The audit trail comes from the model signals (portal.audit), except for password
resets, whose hashed value the trail masks and which are therefore recorded explicitly.
"""

from __future__ import annotations

import secrets
import string
from datetime import date
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from portal import audit, clock
from portal.choices import AuditAction, Role
from portal.models import RoleAssignment, User
from portal.scoping import CHANGE, DELETE, VIEW, ensure_may, ensure_may_add

CANNOT_DEACTIVATE_SELF = "不能停用自己的账号。"
CANNOT_DROP_OWN_ADMIN_ROLE = "不能结束或移除自己的市级管理员角色，请由另一位市级管理员操作。"
PASSWORD_RESET_MESSAGE = "市级管理员重置了密码"  # noqa: S105 - a message, not a password

USER_FIELDS = ("display_name", "email", "phone", "organisation")
ANCHOR_FIELDS = ("district", "subdistrict", "institution", "station")

# Generated passwords: 16 characters from four classes, without look-alikes (0/O, 1/l/I).
_LOWER = "abcdefghijkmnpqrstuvwxyz"
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_DIGITS = "23456789"
_SYMBOLS = "!#$%*+-=?@_"


def password_generate(length: int = 16) -> str:
    """A random password that passes the portal's validators (length, classes, not common)."""
    alphabet = _LOWER + _UPPER + _DIGITS + _SYMBOLS
    while True:
        chars = [secrets.choice(c) for c in (_LOWER, _UPPER, _DIGITS, _SYMBOLS)]
        chars += [secrets.choice(alphabet) for _i in range(length - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        password = "".join(chars)
        if password[0] not in string.punctuation:
            return password


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    display_name: str = "",
    email: str = "",
    phone: str = "",
    organisation: str = "",
) -> User:
    """A new active user without roles; roles are added with ``role_assignment_create``."""
    ensure_may_add(actor, User)
    user = User(
        username=username.strip(),
        display_name=display_name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        organisation=organisation.strip(),
        is_active=True,
    )
    _check_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_update(*, actor: User | None, user: User, **fields: Any) -> User:
    """Change a user's name and contact details (not the username, password or status)."""
    unknown = set(fields) - set(USER_FIELDS)
    if unknown:
        raise TypeError(f"user_update does not change {sorted(unknown)}")
    ensure_may(actor, CHANGE, user)
    for name, value in fields.items():
        setattr(user, name, value.strip() if isinstance(value, str) else value)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_deactivate(*, actor: User | None, user: User) -> User:
    """Stop a user signing in. The account stays, with its history and role assignments."""
    ensure_may(actor, CHANGE, user)
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(_(CANNOT_DEACTIVATE_SELF))
    if user.is_active:
        user.is_active = False
        user.save()
    return user


@transaction.atomic
def user_reactivate(*, actor: User | None, user: User) -> User:
    ensure_may(actor, CHANGE, user)
    if not user.is_active:
        user.is_active = True
        user.save()
    return user


@transaction.atomic
def user_set_password(*, actor: User | None, user: User, password: str) -> User:
    """Reset a user's password (the admin tells the user; the user should change it)."""
    ensure_may(actor, CHANGE, user)
    _check_password(password, user)
    user.set_password(password)
    user.save()
    audit.record(
        AuditAction.ACTION,
        instance=user,
        message=PASSWORD_RESET_MESSAGE,
        changes={"password": [audit.MASK, audit.MASK]},
    )
    return user


def _ensure_anchor_visible(actor: User | None, anchor) -> None:
    if actor is None or anchor is None:
        return
    if not type(anchor).objects.restrict(actor, VIEW).filter(pk=anchor.pk).exists():
        raise Http404


@transaction.atomic
def role_assignment_create(
    *,
    actor: User | None,
    user: User,
    role: str,
    district=None,
    subdistrict=None,
    institution=None,
    station=None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    note: str = "",
) -> RoleAssignment:
    """Give ``user`` a role over the anchor that role needs (see ``ROLE_ANCHOR``)."""
    ensure_may_add(actor, RoleAssignment)
    ensure_may(actor, CHANGE, user)
    for anchor in (district, subdistrict, institution, station):
        _ensure_anchor_visible(actor, anchor)
    assignment = RoleAssignment(
        user=user,
        role=role,
        district=district,
        subdistrict=subdistrict,
        institution=institution,
        station=station,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note.strip(),
    )
    assignment.full_clean()
    assignment.save()
    user.forget_assignments()
    return assignment


def _refuse_own_admin_role(actor: User | None, assignment: RoleAssignment) -> None:
    if actor is not None and assignment.user_id == actor.pk and assignment.role == Role.CITY_ADMIN:
        raise ValidationError(_(CANNOT_DROP_OWN_ADMIN_ROLE))


@transaction.atomic
def role_assignment_update(
    *, actor: User | None, assignment: RoleAssignment, **fields: Any
) -> RoleAssignment:
    """Change the dates or note of an assignment (a new role or anchor is a new assignment)."""
    unknown = set(fields) - {"starts_on", "ends_on", "note"}
    if unknown:
        raise TypeError(f"role_assignment_update does not change {sorted(unknown)}")
    ensure_may(actor, CHANGE, assignment)
    if "ends_on" in fields and fields["ends_on"] != assignment.ends_on:
        _refuse_own_admin_role(actor, assignment)
        _set_end(assignment, fields.pop("ends_on"))
    for name, value in fields.items():
        setattr(assignment, name, value)
    assignment.full_clean()
    assignment.save()
    assignment.user.forget_assignments()
    return assignment


def _set_end(assignment: RoleAssignment, ends_on: date | None) -> None:
    """A last day of today ends the role now: access stops at once (``ended_at``), not at
    midnight. A later day lets it hold through that day; an earlier one has passed already."""
    assignment.ends_on = ends_on
    assignment.ended_at = clock.now() if ends_on == clock.today() else None


@transaction.atomic
def role_assignment_end(
    *, actor: User | None, assignment: RoleAssignment, ends_on: date | None = None
) -> RoleAssignment:
    """End an assignment: now (``ends_on`` today, the default) or after a later day."""
    ensure_may(actor, CHANGE, assignment)
    _refuse_own_admin_role(actor, assignment)
    _set_end(assignment, ends_on or clock.today())
    assignment.full_clean()
    assignment.save()
    assignment.user.forget_assignments()
    return assignment


@transaction.atomic
def role_assignment_delete(*, actor: User | None, assignment: RoleAssignment) -> None:
    """Remove an assignment made in error; the audit trail keeps what it was."""
    ensure_may(actor, DELETE, assignment)
    _refuse_own_admin_role(actor, assignment)
    assignment.delete()
