from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal import clock
from portal.choices import ROLE_ANCHOR, Role
from portal.scoping import Scope, ScopedManager, ScopedModel, ScopedQuerySet
from portal.versioning import VersionedModel


def role_in_force_q(on: date, prefix: str = "") -> Q:
    """Role assignments in force on ``on``: started by then, not past their last day, and not
    ended at a moment before it (``ended_at``: a role ended "now" stops at once, not at
    midnight). For today the moment is now; for another day, the end of that day."""
    p = prefix
    moment = clock.as_of(on)
    return (
        (Q(**{f"{p}starts_on__isnull": True}) | Q(**{f"{p}starts_on__lte": on}))
        & (Q(**{f"{p}ends_on__isnull": True}) | Q(**{f"{p}ends_on__gte": on}))
        & (Q(**{f"{p}ended_at__isnull": True}) | Q(**{f"{p}ended_at__gt": moment}))
    )


class UserQuerySet(ScopedQuerySet):
    pass


class PortalUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(VersionedModel, AbstractUser, ScopedModel):
    """用户 (portal user). What a user may see comes from their role assignments."""

    # Signing in is not an edit of the user: it leaves an open admin form valid.
    version_ignored_fields = ("last_login",)

    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    organisation = models.CharField(
        _("所在单位"),
        max_length=120,
        blank=True,
        help_text=_("评估机构、督查组成员单位等；其他角色可留空。"),
    )

    # Users are managed by the city admin only; everyone may view their own record.
    scope = Scope()
    scope_actions = {
        "view": frozenset({Role.CITY_ADMIN}),
        "add": frozenset({Role.CITY_ADMIN}),
        "change": frozenset({Role.CITY_ADMIN}),
        "delete": frozenset(),
    }

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    def active_assignments(self) -> list[RoleAssignment]:
        """Role assignments in force now, cached for the life of this object (one request)."""
        cached = getattr(self, "_active_assignments", None)
        if cached is None:
            if not self.pk:
                cached = []
            else:
                cached = list(
                    RoleAssignment.objects.filter(
                        role_in_force_q(clock.today()), user=self
                    ).select_related("district", "subdistrict", "institution", "station")
                )
            self._active_assignments = cached
        return cached

    def forget_assignments(self) -> None:
        self.__dict__.pop("_active_assignments", None)

    @property
    def roles(self) -> set[str]:
        roles = {a.role for a in self.active_assignments()}
        if self.is_superuser:
            roles.add(Role.CITY_ADMIN)
        return roles

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


class RoleAssignment(VersionedModel, ScopedModel):
    """角色分配: a role held by a user, tied to what it applies to."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("用户")
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    district = models.ForeignKey(
        "stations.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("区"),
    )
    subdistrict = models.ForeignKey(
        "stations.Subdistrict",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("镇街"),
    )
    institution = models.ForeignKey(
        "stations.Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("承接机构"),
    )
    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("社工站"),
    )
    starts_on = models.DateField(_("生效日期"), null=True, blank=True)
    ends_on = models.DateField(_("截止日期"), null=True, blank=True)
    # Set when the role is ended on its last day ("now"): it stops at this moment, while
    # ``ends_on`` keeps the day for the history. Kept by portal.services.users.
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True, editable=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope = Scope()
    scope_actions = {
        "view": frozenset({Role.CITY_ADMIN}),
        "add": frozenset({Role.CITY_ADMIN}),
        "change": frozenset({Role.CITY_ADMIN}),
        "delete": frozenset({Role.CITY_ADMIN}),
    }

    objects = ScopedManager()

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        ordering = ["user_id", "role"]
        constraints = [
            models.CheckConstraint(
                name="portal_roleassignment_anchor_matches_role",
                condition=(
                    Q(
                        role__in=[
                            Role.CITY_ADMIN,
                            Role.CITY_OFFICER,
                            Role.EVALUATOR,
                            Role.INSPECTOR,
                        ],
                        district__isnull=True,
                        subdistrict__isnull=True,
                        institution__isnull=True,
                        station__isnull=True,
                    )
                    | Q(
                        role=Role.DISTRICT_OFFICER,
                        district__isnull=False,
                        subdistrict__isnull=True,
                        institution__isnull=True,
                        station__isnull=True,
                    )
                    | Q(
                        role=Role.SUBDISTRICT_OFFICER,
                        subdistrict__isnull=False,
                        district__isnull=True,
                        institution__isnull=True,
                        station__isnull=True,
                    )
                    | Q(
                        role=Role.INSTITUTION_ADMIN,
                        institution__isnull=False,
                        district__isnull=True,
                        subdistrict__isnull=True,
                        station__isnull=True,
                    )
                    | Q(
                        role=Role.STATION_MANAGER,
                        station__isnull=False,
                        district__isnull=True,
                        subdistrict__isnull=True,
                        institution__isnull=True,
                    )
                ),
                violation_error_message=_("角色与其适用范围不匹配。"),
            ),
            models.CheckConstraint(
                name="portal_roleassignment_dates_ordered",
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                violation_error_message=_("截止日期不能早于生效日期。"),
            ),
        ]

    def __str__(self) -> str:
        anchor = self.anchor
        return f"{self.get_role_display()}" + (f" · {anchor}" if anchor else "")

    @property
    def anchor(self):
        field = ROLE_ANCHOR.get(self.role)
        return getattr(self, field) if field else None

    def clean(self) -> None:
        errors = {}
        needed = ROLE_ANCHOR.get(self.role)
        for field in ("district", "subdistrict", "institution", "station"):
            value = getattr(self, f"{field}_id")
            if field == needed and value is None:
                errors[field] = _("该角色必须指定%(f)s。") % {
                    "f": self._meta.get_field(field).verbose_name
                }
            elif field != needed and value is not None:
                errors[field] = _("该角色不适用于%(f)s，请留空。") % {
                    "f": self._meta.get_field(field).verbose_name
                }
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("截止日期不能早于生效日期。")
        if errors:
            raise ValidationError(errors)


class RoleSecurity(models.Model):
    """每个角色的安全要求: whether the role must use a second factor (TOTP)."""

    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, unique=True)
    require_second_factor = models.BooleanField(_("要求双因素认证"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("角色安全设置")
        verbose_name_plural = _("角色安全设置")

    def __str__(self) -> str:
        return self.get_role_display()
