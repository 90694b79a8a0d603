"""站内通知 (notification inbox): every user reads and marks only their own messages."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from portal.models import Notification
from portal.services.notifications import notification_mark_read
from portal.views.mixins import ScopedMixin

FILTER_UNREAD = "unread"
ORDER_UNREAD_FIRST = "unread_first"
MARKED_ALL_READ = "已将 %(count)d 条通知标为已读。"


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


class NotificationListView(ScopedMixin, ListView):
    model = Notification
    template_name = "portal/notifications/list.html"
    context_object_name = "notifications"
    paginate_by = 20

    def get_queryset(self):
        qs = (
            super()
            .get_queryset()
            .only("id", "kind", "title", "body", "url", "created_at", "read_at", "recipient_id")
        )
        if self.request.GET.get("status") == FILTER_UNREAD:
            qs = qs.filter(read_at__isnull=True)
        if self.request.GET.get("order") == ORDER_UNREAD_FIRST:
            return qs.order_by(F("read_at").asc(nulls_first=True), "-created_at", "-id")
        return qs.order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status"] = self.request.GET.get("status", "")
        context["order"] = self.request.GET.get("order", "")
        return context


class NotificationDetailView(ScopedMixin, DetailView):
    """Opening a message marks it read, as in any mail reader."""

    model = Notification
    template_name = "portal/notifications/detail.html"
    context_object_name = "notification"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Links are written by the portal's own tasks; still, only follow ones to this site.
        link = self.object.url
        context["safe_url"] = (
            link
            if link
            and url_has_allowed_host_and_scheme(link, allowed_hosts={self.request.get_host()})
            else ""
        )
        return context

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.object.read_at is None:
            notification_mark_read(actor=request.user, ids=[self.object.pk])
        return response


class NotificationMarkReadView(ScopedMixin, View):
    model = Notification
    queryset = None
    http_method_names = ["post"]

    def post(self, request, pk):
        note = get_object_or_404(self.get_queryset(), pk=pk)  # another user's: 404
        notification_mark_read(actor=request.user, ids=[note.pk])
        return redirect(_safe_next(request, "notifications:list"))


class NotificationMarkAllReadView(ScopedMixin, View):
    model = Notification
    queryset = None
    http_method_names = ["post"]

    def post(self, request):
        count = notification_mark_read(actor=request.user)
        messages.success(request, _(MARKED_ALL_READ) % {"count": count})
        return redirect(_safe_next(request, "notifications:list"))
