"""Optimistic locking: one mechanism for every editable object (issue 12, "no silent overwrite").

How it fits together (copy this when a new app has an editable model):

* **Model.** Inherit ``VersionedModel`` (abstract): it adds ``version`` (修改序号, starts at 1,
  ``editable=False`` so ModelForms and the admin leave it alone; a ModelSerializer listing it
  makes it read-only). Every ``save()`` of an existing row bumps it with
  ``UPDATE ... SET version = version + 1`` (an ``F`` expression, never the in-memory value), so
  writes from tasks, the admin or another service also make a stale editor's version stale.

* **Service / any write.** ``claim_version(obj, version)`` is the lock: a conditional
  ``UPDATE ... SET version = version + 1 WHERE pk = ... AND version = <read version>``, atomic on
  PostgreSQL: of two editors who read the same version exactly one wins; the other gets
  ``StaleVersion`` (a ``portal.errors.Conflict``, so pages and the API answer 409) whose message
  names who changed the row last and when (from the audit trail). Call it inside the write's
  ``transaction.atomic()`` so a refused write rolls the bump back. ``required=True`` refuses a
  missing version (funding's state changes); by default a missing version is not checked (old
  clients, scripts) but the write still bumps the version.

* **Page.** ``VersionedFormViewMixin`` on an ``UpdateView``/``FormView`` whose object is
  ``self.object`` (or ``get_versioned_object()``): the form gets a hidden ``version`` field with
  the version the page showed; ``form_valid`` claims it in one transaction with the view's own
  ``form_valid`` (rolled back unless that answers a redirect), and a stale post re-renders the
  form with the user's input and the conflict message, status 409. Views that are not form
  views call ``add_version_field(form, obj)`` / ``claim_version`` themselves, or render
  ``version_input(obj)`` and claim ``request.POST.get("version")``.

* **API.** ``VersionedViewSetMixin`` before ``ScopedViewSetMixin`` on a viewset with ``update``:
  ``retrieve`` and ``update`` answer a weak ``ETag`` (``W/"<version>"``: it names the row's
  version, not the bytes, which differ by language and format); ``update``/``partial_update``
  honour ``If-Match`` (a weak or strong tag, or ``*``) or a ``version`` field in the payload, and
  a stale one answers **409** with the API's conflict body ``{"detail": ..., "code":
  "conflict"}`` (not 412: one answer for a stale write, page or API, header or field). It also
  gives the viewset ``partial_update`` (PATCH) wherever it has ``update`` (PUT). A viewset whose
  services claim the version themselves (funding) sets ``claims_version = False`` and passes
  ``self.expected_version(body_version)`` to the service.
"""

from __future__ import annotations

import inspect
import re
from contextlib import contextmanager
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.errors import Conflict

VERSION_FIELD = "version"
STALE = gettext_lazy(
    "此记录已被%(who)s于%(when)s修改，请刷新后重试（您编辑的是第%(yours)s版，当前为第%(current)s版）。"
)
STALE_UNKNOWN = gettext_lazy(
    "此记录已被他人修改，请刷新后重试（您编辑的是第%(yours)s版，当前为第%(current)s版）。"
)
GONE = gettext_lazy("此记录已被删除，无法保存。")
VERSION_REQUIRED = gettext_lazy("缺少修改序号（version），无法确认您编辑的是最新内容。")
VERSION_INVALID = gettext_lazy("修改序号（version）须为正整数，请刷新页面后重试。")
IF_MATCH_DISAGREES = gettext_lazy(
    "请求头 If-Match（第%(header)s版）与请求内容中的修改序号（第%(body)s版）不一致。"
)
SOMEONE = gettext_lazy("他人")
SYSTEM = gettext_lazy("系统")


class StaleVersion(Conflict):
    """A write based on a version that is no longer current: 409, naming who and when."""

    def __init__(self, message, *, current=None, who=None, when=None):
        super().__init__(message)
        self.current = current
        self.who = who
        self.when = when


class VersionedModel(models.Model):
    """Abstract: a ``version`` every save bumps; see the module docstring."""

    version = models.PositiveIntegerField(gettext_lazy("修改序号"), default=1, editable=False)

    # The trail records what changed, not the lock's counter (a save writes it as an F()).
    audit_ignored_fields = (VERSION_FIELD,)
    # Saves of only these fields are bookkeeping, not an edit: they leave the version alone
    # (a user's ``last_login`` must not make an administrator's open form stale).
    version_ignored_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding or self.pk is None:
            return super().save(*args, **kwargs)
        if getattr(self, "_version_claimed", False):
            # claim_version() bumped it already in this write.
            self._version_claimed = False
            return super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            if set(update_fields) <= set(self.version_ignored_fields):
                return super().save(*args, **kwargs)
            kwargs["update_fields"] = {*update_fields, VERSION_FIELD}
        seen = self.version
        self.version = F(VERSION_FIELD) + 1
        try:
            return super().save(*args, **kwargs)
        finally:
            self.version = (seen or 0) + 1


def is_versioned(model_or_obj) -> bool:
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    return issubclass(model, VersionedModel)


def parse_version(value, *, required: bool = False) -> int | None:
    """The version a client sent, or ``None`` when it sent none (refused if ``required``)."""
    if value in (None, ""):
        if required:
            raise ValidationError({VERSION_FIELD: _(VERSION_REQUIRED)})
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise ValidationError({VERSION_FIELD: _(VERSION_INVALID)}) from exc
    if number < 0:
        raise ValidationError({VERSION_FIELD: _(VERSION_INVALID)})
    return number


def last_change(obj) -> tuple[str | None, Any]:
    """Who changed ``obj`` last and when: the newest audit row of it, else ``updated_by``/
    ``updated_at`` when the model has them; ``(None, None)`` when nothing says."""
    from portal.models import AuditEvent

    row = (
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .exclude(action="delete")
        .order_by("-at", "-id")
        .values("actor_name", "at")
        .first()
    )
    if row:
        return (row["actor_name"] or str(SYSTEM)), row["at"]
    who = getattr(obj, "updated_by", None)
    return (str(who) if who else None), getattr(obj, "updated_at", None)


def stale_error(obj, yours, current) -> StaleVersion:
    who, when = last_change(obj)
    values = {"yours": yours, "current": current}
    if when is None:
        return StaleVersion(_(STALE_UNKNOWN) % values, current=current)
    when_text = timezone.localtime(when).strftime("%Y-%m-%d %H:%M")
    message = _(STALE) % {**values, "who": who or _(SOMEONE), "when": when_text}
    return StaleVersion(message, current=current, who=who, when=when)


def claim_version(obj, version, *, required: bool = False) -> None:
    """The lock: bump ``obj.version`` only if the row is still at ``version``, else 409.

    ``version=None`` (not sent) is refused when ``required`` and otherwise not checked. Call it
    inside the write's transaction; a later ``obj.save()`` in that write does not bump again.
    """
    version = parse_version(version, required=required)
    if version is None:
        return
    model = type(obj)
    claimed = model._base_manager.filter(pk=obj.pk, **{VERSION_FIELD: version}).update(
        **{VERSION_FIELD: F(VERSION_FIELD) + 1}
    )
    if not claimed:
        current = (
            model._base_manager.filter(pk=obj.pk).values_list(VERSION_FIELD, flat=True).first()
        )
        if current is None:
            raise Conflict(_(GONE))
        raise stale_error(obj, version, current)
    setattr(obj, VERSION_FIELD, version + 1)
    obj._version_claimed = True


@contextmanager
def versioned_write(obj, version, *, required: bool = False):
    """``with versioned_write(obj, posted_version): service(...)``: the claim and the write in
    one transaction, for views that are not ``VersionedFormViewMixin`` form views."""
    with transaction.atomic():
        claim_version(obj, version, required=required)
        yield obj


def bump_version(obj) -> None:
    """Make every reader's version of ``obj`` stale without checking one (a write that does
    not save ``obj`` itself, e.g. rows under it, by a caller that sent no version)."""
    type(obj)._base_manager.filter(pk=obj.pk).update(**{VERSION_FIELD: F(VERSION_FIELD) + 1})
    setattr(obj, VERSION_FIELD, (getattr(obj, VERSION_FIELD, 0) or 0) + 1)
    obj._version_claimed = True


def current_version(obj) -> int | None:
    return type(obj)._base_manager.filter(pk=obj.pk).values_list(VERSION_FIELD, flat=True).first()


# --- pages --------------------------------------------------------------------------------


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("label", gettext_lazy("修改序号"))
        super().__init__(**kwargs)
        self.error_messages.update({"invalid": VERSION_INVALID, "min_value": VERSION_INVALID})


def add_version_field(form: forms.BaseForm, obj) -> forms.BaseForm:
    """Give ``form`` a hidden ``version`` with ``obj``'s version (a bound form keeps the
    posted one, so a refused post shows the version the user edited)."""
    form.fields[VERSION_FIELD] = VersionField(initial=getattr(obj, VERSION_FIELD, None))
    return form


def version_input(obj) -> str:
    """The hidden input for hand-written forms: ``{{ obj|version_input }}`` style."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', VERSION_FIELD, getattr(obj, VERSION_FIELD)
    )


class VersionedFormViewMixin:
    """Form pages editing one versioned object; put it first in the bases.

    The object is ``self.object`` unless ``get_versioned_object()`` says otherwise. A stale post
    answers 409 with the form re-rendered (the user's input kept) and the conflict message; the
    claim and the view's own ``form_valid`` run in one transaction, rolled back unless the view
    answers a redirect (so a refused form leaves the version as it was).
    """

    def get_versioned_object(self):
        return self.object

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        return add_version_field(form, self.get_versioned_object())

    def form_valid(self, form):
        version = form.cleaned_data.pop(VERSION_FIELD, None)
        try:
            with transaction.atomic():
                claim_version(self.get_versioned_object(), version)
                response = super().form_valid(form)
                if not 300 <= response.status_code < 400:
                    transaction.set_rollback(True)
                return response
        except Conflict as error:
            return self.version_conflict(form, error)

    def version_conflict(self, form, error: Conflict):
        form.add_error(None, error.message)
        response = self.form_invalid(form)
        response.status_code = 409
        return response


# --- API ----------------------------------------------------------------------------------

_TAG = re.compile(r'\s*(W/)?"([^"]*)"\s*')
WRITE_ACTIONS = ("update", "partial_update")


def etag(version) -> str:
    return f'W/"{version}"'


def if_match_version(header: str | None) -> int | None:
    """The version an ``If-Match`` names (``W/"3"``, ``"3"``), ``None`` for none or ``*``.

    A list of tags means "any of these"; the newest is the one to check (a client that sends
    several knows all of them)."""
    if not header or header.strip() == "*":
        return None
    numbers = []
    for part in header.split(","):
        match = _TAG.fullmatch(part)
        if not match:
            raise ValidationError({"If-Match": _(VERSION_INVALID)})
        numbers.append(parse_version(match.group(2).removeprefix("v")))
    return max(n for n in numbers if n is not None) if numbers else None


class VersionedViewSetMixin:
    """ETag / If-Match / ``version`` for a DRF viewset with ``update``; see the module docstring.

    Put it before ``ScopedViewSetMixin`` (and ``LockFirstMixin``): the claim runs in
    ``get_object()`` after scope and lock checks, inside the transaction ``update`` opens, so
    a refused payload rolls the claim back; a stale version answers 409 before the payload is
    validated.
    """

    # False where the viewset's services claim the version themselves (funding).
    claims_version = True

    def expected_version(self, body_version: Any = None) -> int | None:
        header = if_match_version(self.request.headers.get("If-Match"))
        if body_version is None and hasattr(self.request, "data"):
            data = self.request.data
            body_version = data.get(VERSION_FIELD) if hasattr(data, "get") else None
        body = parse_version(body_version)
        if header is not None and body is not None and header != body:
            raise Conflict(_(IF_MATCH_DISAGREES) % {"header": header, "body": body})
        return header if header is not None else body

    def dispatch(self, request, *args, **kwargs):
        if request.method not in ("PUT", "PATCH"):
            return super().dispatch(request, *args, **kwargs)
        # The claim (in get_object) and the write in one transaction; any refusal (4xx, 5xx)
        # rolls the claim back, so a refused payload does not spend the version.
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            if response.status_code >= 400:
                transaction.set_rollback(True)
        return response

    def get_object(self):
        obj = super().get_object()
        action = getattr(self, "action", None)
        if action in ("retrieve", *WRITE_ACTIONS):
            self._versioned_object = obj
        if (
            action in WRITE_ACTIONS
            and self.claims_version
            and not getattr(self, "_version_claimed_in_request", False)
        ):
            claim_version(obj, self.expected_version())
            self._version_claimed_in_request = True
        return obj

    def partial_update(self, request, *args, **kwargs):
        parent = getattr(super(), "partial_update", None)
        if parent is not None:
            return parent(request, *args, **kwargs)
        # A viewset with only ``update`` (PUT): PATCH is the same write.
        params = inspect.signature(self.update).parameters
        if "partial" in params or any(p.kind is p.VAR_KEYWORD for p in params.values()):
            kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        obj = getattr(self, "_versioned_object", None)
        if obj is not None and 200 <= response.status_code < 300:
            version = (
                current_version(obj)
                if getattr(self, "action", None) in WRITE_ACTIONS
                else getattr(obj, VERSION_FIELD, None)
            )
            if version is not None:
                response["ETag"] = etag(version)
                data = getattr(response, "data", None)
                if isinstance(data, dict) and VERSION_FIELD in data:
                    # A service that re-read the row saved a copy: say what the row holds.
                    data[VERSION_FIELD] = version
        return response
