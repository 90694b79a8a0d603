"""The HTML half of the one scoping path (the API half is portal.api.mixins)."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from portal.scoping import ADD, CHANGE, VIEW, roles_allowed


def public_view(view):
    """Mark a view as deliberately open to everyone (login page, health check, survey link)."""
    view.public = True
    return view


class ScopedMixin(LoginRequiredMixin):
    """List, detail and edit pages: rows from ``restrict(user, "view")``, 404 outside it.

    ``scope_action`` is what the page does to its object (``view``, ``change``, ``delete``);
    an object the user may view but not ``scope_action`` answers 403. Create pages set
    ``scope_action = "add"`` and are refused with 403 when no role of the user may add.
    """

    scoped = True
    model = None
    scope_action = VIEW

    def get_queryset(self):
        base = self.queryset if self.queryset is not None else self.model.objects.all()
        return base.restrict(self.request.user, VIEW)

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if self.scope_action not in (VIEW, ADD):
            model = type(obj)
            if (
                not model.objects.restrict(self.request.user, self.scope_action)
                .filter(pk=obj.pk)
                .exists()
            ):
                raise PermissionDenied
        return obj

    def dispatch(self, request, *args, **kwargs):
        if (
            request.user.is_authenticated
            and self.scope_action == ADD
            and not roles_allowed(request.user, self.model, ADD)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class RoleRequiredMixin(LoginRequiredMixin):
    """Pages that are a role's tool rather than a row (user management, audit search).

    Signed-in users without one of ``roles`` get 403.
    """

    scoped = True
    roles: frozenset[str] = frozenset()
    # What the 403 says (a module constant of the rule's home); empty: the general wording.
    refused_message = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_role(*self.roles):
            raise PermissionDenied(*([_(self.refused_message)] if self.refused_message else []))
        return super().dispatch(request, *args, **kwargs)


class ServiceActionView(ScopedMixin):
    """A POST that calls a service on one scoped object (``perform``): out of scope 404,
    Chinese validation errors go back to the page as messages, a locked object answers 409.
    Subclasses set ``model`` and implement ``perform(obj)`` and ``success_url(obj)``."""

    http_method_names = ["post"]
    scope_action = CHANGE

    def get_object(self):
        from django.shortcuts import get_object_or_404

        return get_object_or_404(
            self.model.objects.restrict(self.request.user, VIEW), pk=self.kwargs["pk"]
        )

    def perform(self, obj):
        raise NotImplementedError

    def success_url(self, obj) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        from django.contrib import messages
        from django.core.exceptions import ValidationError
        from django.http import HttpResponse, HttpResponseRedirect

        from portal.errors import Conflict

        obj = self.get_object()
        try:
            message = self.perform(obj)
        except ValidationError as error:
            messages.error(request, error_text(error))
            return HttpResponseRedirect(self.success_url(obj))
        except Conflict as error:
            return HttpResponse(error.message, status=409, content_type="text/plain; charset=utf-8")
        if message:
            messages.success(request, message)
        return HttpResponseRedirect(self.success_url(obj))


def error_text(error) -> str:
    """A ValidationError's messages as one Chinese line."""
    return "；".join(str(m) for m in error.messages)
