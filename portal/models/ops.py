"""Operational rows: the outbox of messages to deliver, rate-limit counters, task runs.

None of these is shown to users row by row; no scope applies and no audit row is written.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    SKIPPED = "skipped", _("无需发送")
    FAILED = "failed", _("发送失败")


class OutboxMessage(models.Model):
    """发件箱: a message a request or task decided to send, written in its own transaction.

    Nothing is queued to Celery from a request: the request commits rows here with its other
    writes (or rolls them back with them), and the periodic ``portal.tasks.deliver_outbox``
    sends them, with backoff on failure. If the request fails, no message exists; if Redis or
    the worker is down, the rows wait.
    """

    kind = models.CharField(_("类别"), max_length=20, default="email")
    notification = models.OneToOneField(
        "portal.Notification",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbox",
    )
    to = models.CharField(_("收件地址"), max_length=254)
    subject = models.CharField(_("主题"), max_length=200)
    body = models.TextField(_("正文"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("下次尝试"), db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("发件箱消息")
        verbose_name_plural = _("发件箱消息")
        ordering = ["next_attempt_at", "id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=models.Q(status="pending"),
                name="portal_outbox_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to}: {self.subject}"


class RateCounter(models.Model):
    """A fixed-window hit counter, used when the cache (Redis) does not answer."""

    key = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("限流计数")
        verbose_name_plural = _("限流计数")
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="portal_ratecounter_once")
        ]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M}: {self.count}"


class TaskRun(models.Model):
    """The last start, success and failure of each Celery task, written by the base task."""

    name = models.CharField(_("任务"), max_length=150, unique=True)
    last_started_at = models.DateTimeField(_("最近开始"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("最近成功"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("最近失败"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    worker = models.CharField(_("执行者"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("任务运行记录")
        verbose_name_plural = _("任务运行记录")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
