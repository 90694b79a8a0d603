"""The API half of the one scoping path (the HTML half is portal.views.mixins)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from rest_framework import serializers

from portal.scoping import ADD, CHANGE, DELETE, VIEW, roles_allowed

ACTION_FOR_METHOD = {
    "list": VIEW,
    "retrieve": VIEW,
    "create": ADD,
    "update": CHANGE,
    "partial_update": CHANGE,
    "destroy": DELETE,
}


class ScopedViewSetMixin:
    """Every row comes from ``restrict(user, "view")``: out of scope answers 404.

    Changing a row the user may view but not change answers 403; so does creating a row of a
    model the user's roles may not add. ``@action`` methods name their scope action with
    ``scope_action`` in ``extra_kwargs`` or check it in the service they call.
    """

    scoped = True
    queryset = None

    def get_queryset(self):
        # restrict() is a queryset method: select_related, annotations and filters survive.
        return self.queryset.restrict(self.request.user, VIEW)

    def scope_action(self) -> str:
        return ACTION_FOR_METHOD.get(getattr(self, "action", None) or "", VIEW)

    def get_object(self):
        obj = super().get_object()  # 404 outside restrict(user, "view")
        action = self.scope_action()
        if action != VIEW:
            model = type(obj)
            if not model.objects.restrict(self.request.user, action).filter(pk=obj.pk).exists():
                raise PermissionDenied
        return obj

    def check_permissions(self, request):
        super().check_permissions(request)
        if (
            getattr(self, "action", None) == "create"
            and self.queryset is not None
            and not roles_allowed(request.user, self.queryset.model, ADD)
        ):
            raise PermissionDenied


class RoleRequiredViewSetMixin:
    """The API half of ``portal.views.mixins.RoleRequiredMixin``: endpoints that are a role's
    tool rather than rows (the audit search). Signed-in callers without one of ``roles`` get
    403 with ``refused_message`` before any row is read, whatever the id, so the answer says
    nothing about which rows exist."""

    roles: frozenset[str] = frozenset()
    refused_message = ""

    def check_permissions(self, request):
        super().check_permissions(request)
        if request.user.is_authenticated and not request.user.has_role(*self.roles):
            raise PermissionDenied(*([_(self.refused_message)] if self.refused_message else []))


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related field whose choices are the rows the caller may ``scope_action``."""

    def __init__(self, *args, scope_action: str = VIEW, **kwargs):
        self.scope_action = scope_action
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return super().get_queryset().restrict(getattr(request, "user", None), self.scope_action)
