from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.choices import AuditAction, AuditOutcome, Role
from portal.scoping import Scope, ScopedManager, ScopedModel


class AuditEvent(ScopedModel):
    """审计日志: one create, change, delete, login event or read of sensitive data.

    Rows are append-only: no page, API or admin changes or deletes them, and on PostgreSQL a
    trigger refuses UPDATE, and DELETE of rows younger than the retention period
    (``AUDIT_RETENTION_DAYS``, at least 186 days). The anchors (station, street/town, district,
    institution) are copied when the row is written, so an object's history is scoped like the
    object and survives the object's deletion.
    """

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    # No foreign key: an audit row must outlive the user and never cascade.
    actor_id = models.BigIntegerField(_("操作人ID"), null=True, blank=True, db_index=True)
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    action = models.CharField(_("动作"), max_length=20, choices=AuditAction.choices)
    outcome = models.CharField(
        _("结果"), max_length=10, choices=AuditOutcome.choices, default=AuditOutcome.SUCCESS
    )
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=32, blank=True)

    station_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    subdistrict_id = models.BigIntegerField(null=True, blank=True)
    district_id = models.BigIntegerField(null=True, blank=True)
    institution_id = models.BigIntegerField(null=True, blank=True)

    scope = Scope(
        station="station_id",
        subdistrict="subdistrict_id",
        district="district_id",
        institution="institution_id",
    )
    # The search page is the city admin's; others read histories of objects they may view.
    scope_actions = {
        "view": frozenset(
            {
                Role.CITY_ADMIN,
                Role.CITY_OFFICER,
                Role.DISTRICT_OFFICER,
                Role.SUBDISTRICT_OFFICER,
                Role.INSTITUTION_ADMIN,
                Role.STATION_MANAGER,
            }
        ),
        "add": frozenset(),
        "change": frozenset(),
        "delete": frozenset(),
    }

    objects = ScopedManager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(
                fields=["object_type", "object_id", "-at"], name="portal_audit_object_idx"
            ),
            models.Index(fields=["action", "-at"], name="portal_audit_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only; old ones are pruned by a task.")


class Notification(ScopedModel):
    """站内通知: an inbox message for one user."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("收件人"),
    )
    kind = models.CharField(_("类别"), max_length=40, default="general")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    # The same reminder is not posted twice: tasks pass a stable key (e.g. "cycle:12:remind:3").
    dedupe_key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    # Each user sees only their own inbox, whatever their role.
    scope = Scope(assignees={str(r): "recipient" for r in Role})
    scope_actions = {
        "view": frozenset(Role),
        "add": frozenset(),
        "change": frozenset(Role),
        "delete": frozenset(),
    }

    objects = ScopedManager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="portal_notif_unread_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="portal_notification_once_per_key",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def restrict_extra(cls, qs, *, user, action, assignments):
        # City roles see everything elsewhere, but an inbox is personal to everyone.
        return qs.filter(recipient=user)
