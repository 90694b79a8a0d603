"""The machinery of the scope walk (tests/test_scope_walk*.py): the routes of the live URL
resolver, what each route's kwargs name, and requests whose answers can be compared.

Nothing here knows a particular route. What a route's ``<pk>`` names comes from its view (the
model or queryset of a detail view or viewset, the ModelAdmin of an admin page); only where a
view cannot say, ``kwarg_models()`` says, and a route the walk cannot bind fails the walk.
"""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.views.generic.detail import SingleObjectMixin
from rest_framework.generics import GenericAPIView

# An id no table reaches (ids of the walk's rows are below 10**7, tests/samples.py).
MISSING = 2_147_483_000
SAFE_METHODS = ("get",)
WRITE_METHODS = ("post", "put", "patch", "delete")


# --- routes -------------------------------------------------------------------------------


@dataclass
class Route:
    pattern: str
    name: str | None
    callback: Any
    kwargs: tuple[str, ...]
    in_admin: bool
    view_class: type | None = field(default=None)

    @property
    def is_public(self) -> bool:
        return bool(getattr(self.callback, "public", False))

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")

    @property
    def label(self) -> str:
        return self.name or f"/{self.pattern}"

    def url(self, **kwargs) -> str:
        if self.name:
            return reverse(self.name, kwargs=kwargs or None)
        # An unnamed route (the admin's "<path:object_id>/" redirect, its catch-all): fill the
        # pattern itself.
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), self.pattern)
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m.group(1)]), path)
        return "/" + path.replace("^", "").replace("$", "")


def _view_class(callback) -> type | None:
    return getattr(callback, "view_class", None) or getattr(callback, "cls", None)


def _kwargs_of(pattern) -> tuple[str, ...]:
    if isinstance(pattern, RoutePattern):  # path("users/<int:pk>/")
        return tuple(pattern.converters)
    return tuple(pattern.regex.groupindex)  # re_path / the DRF router


def walk(patterns=None, prefix="", namespace=None, in_admin=False, kwargs=()) -> Iterator[Route]:
    """Every URLPattern under ``patterns`` with its full pattern, kwargs and qualified name."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            qualified = ":".join(n for n in (namespace, ns) if n) or None
            yield from walk(
                entry.url_patterns,
                prefix + str(entry.pattern),
                qualified,
                in_admin or entry.app_name == "admin",
                kwargs + _kwargs_of(entry.pattern),
            )
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Route(
                prefix + str(entry.pattern),
                name,
                entry.callback,
                kwargs + _kwargs_of(entry.pattern),
                in_admin,
                _view_class(entry.callback),
            )


def routes() -> list[Route]:
    return list(walk())


def methods_of(route: Route) -> list[str]:
    """The HTTP methods a route answers (besides HEAD and OPTIONS)."""
    actions = getattr(route.callback, "actions", None)
    if actions:  # a DRF viewset route: {"get": "retrieve", "put": "update", ...}
        return [m for m in (*SAFE_METHODS, *WRITE_METHODS) if m in actions]
    cls = route.view_class
    if cls is not None:
        allowed = getattr(cls, "http_method_names", ())
        # Pages are HTML forms: GET and POST (Django maps PUT onto a form view's post()).
        methods = (*SAFE_METHODS, *WRITE_METHODS) if route.is_api else ("get", "post")
        return [m for m in methods if m in allowed and hasattr(cls, m)]
    if route.in_admin:
        # The admin's views are ModelAdmin methods: pages answer GET, forms POST as well.
        return ["get", "post"] if route.pattern.endswith(("change/", "delete/")) else ["get"]
    return ["get"]


# --- what a kwarg names ---------------------------------------------------------------------


def _admin_model(route: Route):
    """The model of an admin page: ``admin/<app_label>/<model_name>/...``."""
    model_admin = getattr(route.callback, "model_admin", None)
    if model_admin is not None:
        return model_admin.model
    parts = route.pattern.split("/")
    if route.in_admin and len(parts) > 3:
        try:
            return apps.get_model(parts[1], parts[2])
        except (LookupError, ValueError):
            return None
    return None


def view_model(route: Route) -> type[models.Model] | None:
    cls = route.view_class
    if cls is None or route.in_admin:
        return _admin_model(route)
    queryset = getattr(cls, "queryset", None)
    if queryset is not None and hasattr(queryset, "model"):
        return queryset.model
    return getattr(cls, "model", None)


def kwarg_models() -> dict[tuple[str, str], type[models.Model]]:
    """Routes whose view does not say what a kwarg names: a create page under a parent
    (``people/<pk>/employments/new/``), a plain ``View`` that looks its object up itself."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from evaluations.models import Cycle, Evaluation, Framework
    from inspections.models import ChecklistTemplate, QuarterPlan
    from talent.models import Enrolment, SocialWorker, TrainingProgramme, TrainingSession

    User = get_user_model()
    person = {
        f"talent:{name}": SocialWorker
        for name in (
            "employment_add",
            "certificate_add",
            "registration_add",
            "ce_add",
            "honour_add",
            "worker_update",
        )
    }
    return {
        **{(name, "pk"): model for name, model in person.items()},
        ("talent:session_add", "pk"): TrainingProgramme,
        ("talent:enrol", "pk"): TrainingProgramme,
        ("talent:attendance", "pk"): TrainingSession,
        ("talent:complete", "pk"): Enrolment,
        ("security:unlock", "pk"): User,
        ("inspections:plan_add_station", "pk"): QuarterPlan,
        ("inspections:plan_team_all", "pk"): QuarterPlan,
        ("inspections:plan_confirm", "pk"): QuarterPlan,
        ("inspections:plan_export", "pk"): QuarterPlan,
        ("inspections:checklist_new_version", "pk"): ChecklistTemplate,
        ("inspections:checklist_activate", "pk"): ChecklistTemplate,
        ("evaluations:survey_links", "pk"): Evaluation,
        ("evaluations:cycle_edit", "pk"): Cycle,
        ("evaluations:cycle_open", "pk"): Cycle,
        ("evaluations:cycle_compute", "pk"): Cycle,
        ("evaluations:cycle_publish", "pk"): Cycle,
        ("evaluations:cycle_assign", "pk"): Cycle,
        ("evaluations:survey_overview", "pk"): Cycle,
        ("evaluations:district_pack", "pk"): Cycle,
        ("evaluations:framework_action", "pk"): Framework,
        ("admin:auth_user_password_change", "id"): User,
        ("admin:otp_totp_totpdevice_config", "pk"): TOTPDevice,
        ("admin:otp_totp_totpdevice_qrcode", "pk"): TOTPDevice,
    }


def slug_values() -> dict[tuple[str | None, str], Callable[[], list[str]]]:
    """Kwargs that are not ids, with every value the route answers to."""
    from django.contrib import admin

    from portal.choices import DeadlineKind
    from stations.imports import IMPORTERS
    from stations.tabs import station_tabs
    from stations.views.choices import SOURCES

    return {
        ("stations:choice_search", "source"): lambda: list(SOURCES),
        ("stations:station_tab", "key"): lambda: [tab.key for tab in station_tabs()],
        ("stations:import", "kind"): lambda: list(IMPORTERS),
        ("manage:policy_ladder_update", "kind"): lambda: list(DeadlineKind.values),
        ("stations:import_template", "kind"): lambda: list(IMPORTERS),
        # evaluations.views.FrameworkActionView.post
        ("evaluations:framework_action", "what"): lambda: [
            "new-version",
            "adopt",
            "add-node",
            "update-node",
            "delete-node",
        ],
        (None, "format"): lambda: ["json"],
        ("admin:app_list", "app_label"): lambda: sorted(
            {m._meta.app_label for m in admin.site._registry}
        ),
        # The admin's catch-all (final_catch_all_view): an address that names nothing.
        (None, "url"): lambda: ["walk/nothing/"],
    }


class Unbound(LookupError):
    pass


@dataclass(frozen=True)
class Kwarg:
    name: str
    model: type[models.Model] | None = None  # None: a slug with ``values``
    values: tuple[str, ...] = ()
    content_type: bool = False


def kwarg_of(route: Route, name: str) -> Kwarg:
    """What the route's kwarg ``name`` names, from the view where it can say."""
    slugs = slug_values()
    for key in ((route.name, name), (None, name)):
        if key in slugs:
            return Kwarg(name, values=tuple(slugs[key]()))
    table = kwarg_models()
    if (route.name, name) in table:
        return Kwarg(name, table[(route.name, name)])
    if route.name == "admin:view_on_site":
        return Kwarg(name, content_type=name == "content_type_id")
    cls = route.view_class
    model = view_model(route)
    if route.in_admin and name == "object_id" and model is not None:
        return Kwarg(name, model)
    if cls is not None and issubclass(cls, GenericAPIView):
        lookup = getattr(cls, "lookup_url_kwarg", None) or getattr(cls, "lookup_field", "pk")
        if name == lookup and model is not None:
            return Kwarg(name, model)
        if name.endswith("_id") and model is not None:
            related = _related(model, name[: -len("_id")])
            if related is not None:
                return Kwarg(name, related)
    if (
        cls is not None
        and issubclass(cls, SingleObjectMixin)
        and model is not None
        and name == getattr(cls, "pk_url_kwarg", "pk")
    ):
        return Kwarg(name, model)
    if name == "pk" and model is not None:
        # A view that looks its object up itself names it in ``model`` (a create page under
        # a parent does not: kwarg_models() says what its <pk> is).
        return Kwarg(name, model)
    if name.endswith(("_pk", "_id")):
        related = _related(model, name[:-3]) if model is not None else None
        named = [m for m in apps.get_models() if m._meta.model_name == name[:-3]]
        if related is None and len(named) == 1:
            related = named[0]  # <district_id>: the one model called District
        if related is not None:
            return Kwarg(name, related)
    raise Unbound(
        f"{route.label}: the walk cannot tell what <{name}> names; give the view a model or "
        "queryset, or add the route to kwarg_models() or slug_values() in tests/walk.py"
    )


def _related(model: type[models.Model], name: str) -> type[models.Model] | None:
    """The model ``name`` reaches from ``model``: a foreign key, or a reverse relation named
    after the related model (``attachment`` -> SpendingAttachment via ``attachments``)."""
    for f in model._meta.get_fields():
        if f.is_relation and f.related_model is not None:
            if f.name == name:
                return f.related_model
            accessor = getattr(f, "related_name", None) or ""
            if f.auto_created and accessor.rstrip("s") == name:
                return f.related_model
    return None


def content_type_id(model: type[models.Model]) -> int:
    return ContentType.objects.get_for_model(model).pk


# --- answers that can be compared -----------------------------------------------------------

_CSRF = [
    re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+'),
    re.compile(r'("X-CSRFToken":\s*")[^"]+'),
    re.compile(r'(name="csrf-token" content=")[^"]+'),
    re.compile(r'(csrftoken["\']?\s*[:=]\s*["\'])[^"\']+'),
]
_NONCE = re.compile(r'(nonce=")[^"]+')
# Answers that are new on every request by design: a fresh TOTP secret and its QR code on
# the enrolment page (accounts/otp/).
_VOLATILE = [
    re.compile(r'(data-testid="otp-secret">)[^<]*'),
    re.compile(r'(data-testid="otp-qr">)<svg.*?</svg>', re.S),
]
# Times of day move on while the walk runs (the test clock ticks).
_TIME = re.compile(r"\b\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?")


def _pdf_text(content: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8", "replace")


def _xlsx_text(content: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    lines = []
    for sheet in book.worksheets:
        lines.append(f"## {sheet.title}")
        for row in sheet.iter_rows(values_only=True):
            lines.append("\t".join("" if v is None else str(v) for v in row))
    return "\n".join(lines)


@dataclass
class Answer:
    status: int
    kind: str  # html, json, xlsx, pdf, file, redirect, empty
    text: str
    location: str = ""
    params_read: frozenset[str] = frozenset()
    filtersets: tuple = ()
    error: str = ""

    def normal(self, *replace: str) -> str:
        text = self.text
        for value in sorted({r for r in replace if r}, key=len, reverse=True):
            text = re.sub(rf"(?<![0-9A-Za-z]){re.escape(value)}(?![0-9A-Za-z])", "<id>", text)
        return text

    def same_as(self, other: Answer, *replace: str) -> bool:
        return (
            self.status == other.status
            and self.kind == other.kind
            and _location(self.location, replace) == _location(other.location, replace)
            and self.normal(*replace) == other.normal(*replace)
        )

    def brief(self, limit: int = 160) -> str:
        text = " ".join(self.text.split())
        where = f" -> {self.location}" if self.location else ""
        return f"{self.status} {self.kind}{where}: {text[:limit]}"


def _location(location: str, replace) -> str:
    for value in replace:
        if value:
            location = re.sub(rf"(?<![0-9]){re.escape(value)}(?![0-9])", "<id>", location)
    return location


def answer_of(response) -> Answer:
    status = response.status_code
    content_type = response.get("Content-Type", "")
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    location = response.get("Location", "") if 300 <= status < 400 else ""
    if "json" in content_type:
        try:
            text = json.dumps(json.loads(content or b"null"), sort_keys=True, ensure_ascii=False)
        except ValueError:
            text = content.decode("utf-8", "replace")
        kind = "json"
    elif "spreadsheetml" in content_type:
        kind, text = "xlsx", _xlsx_text(content)
    elif "pdf" in content_type and content.rstrip().endswith(b"%%EOF"):
        kind, text = "pdf", _pdf_text(content)
    elif content_type.startswith(("text/", "application/xhtml")) or not content:
        kind = "html" if content else ("redirect" if location else "empty")
        text = content.decode("utf-8", "replace")
    else:
        kind, text = "file", f"{content_type} {len(content)} bytes {hash(content)}"
    for pattern in _CSRF:
        text = pattern.sub(r"\1<csrf>", text)
    text = _NONCE.sub(r"\1<nonce>", text)
    for pattern in _VOLATILE:
        text = pattern.sub(r"\1<volatile>", text)
    text = _TIME.sub("<time>", text)
    return Answer(status, kind, text, location)


# --- requests --------------------------------------------------------------------------------


@contextmanager
def recording_params(seen: set[str], filtersets: list):
    """Record the query parameters a view reads by name (``request.GET.get("station")``,
    django-filter's widgets, DRF's ``query_params``, a template's ``request.GET.x``) and the
    FilterSets it builds."""
    from django_filters import FilterSet

    names = ("get", "__getitem__", "getlist", "__contains__")
    originals = {name: QueryDict.__dict__.get(name) for name in names}
    filterset_init = FilterSet.__init__

    def wrap(name):
        base = getattr(QueryDict, name)

        def recorder(self, key, *args, **kwargs):
            if isinstance(key, str):
                seen.add(key)
            return base(self, key, *args, **kwargs)

        return recorder

    def init(self, *args, **kwargs):
        filtersets.append(type(self))
        filterset_init(self, *args, **kwargs)

    for name in names:
        setattr(QueryDict, name, wrap(name))
    FilterSet.__init__ = init
    try:
        yield seen
    finally:
        FilterSet.__init__ = filterset_init
        for name, original in originals.items():
            if original is None:
                delattr(QueryDict, name)
            else:
                setattr(QueryDict, name, original)


@contextmanager
def quiet():
    """Thousands of 404s and 403s: Django would log each with its traceback."""
    logger = logging.getLogger("django")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


@contextmanager
def not_storing_templates():
    """The test client copies the context of every template it renders, for assertions the
    walk never makes; thousands of pages go faster without."""
    from django.test import client as test_client

    store = test_client.store_rendered_templates
    test_client.store_rendered_templates = lambda *args, **kwargs: None
    try:
        yield
    finally:
        test_client.store_rendered_templates = store


class Caller:
    """One signed-in persona's client. Every request runs in a savepoint that is rolled
    back, so a request that writes (a leak, or an insider's POST) changes nothing the next
    request sees."""

    def __init__(self, client, user):
        self.client = client
        self.user = user
        self.count = 0
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    def call(self, method: str, url: str, params: dict | None = None, *, api: bool) -> Answer:
        self.count += 1
        seen: set[str] = set()
        filtersets: list = []
        with (
            transaction.atomic(),
            recording_params(seen, filtersets),
            quiet(),
            not_storing_templates(),
        ):
            try:
                if method == "get":
                    response = self.client.get(url, params or {})
                elif api:
                    response = getattr(self.client, method)(
                        url, data="{}", content_type="application/json"
                    )
                else:
                    response = getattr(self.client, method)(url, {})
                result = answer_of(response)
            except Exception as exc:  # a server error: the walk reports it with the rest
                result = Answer(500, "error", "", error=f"{type(exc).__name__}: {exc}")
            transaction.set_rollback(True)
        # Flash messages of one request must not show on the next one's page.
        self.client.cookies.pop("messages", None)
        result.params_read = frozenset(seen)
        result.filtersets = tuple(dict.fromkeys(filtersets))
        return result


# --- query parameters -------------------------------------------------------------------------

# Query parameters that never carry an id of a scoped or reference row.
NOT_IDS = {
    # paging, ordering, formats
    "page",
    "page_size",
    "o",
    "sort",
    "ordering",
    "format",
    "export",
    "next",
    # /healthz?strict=1: a flag
    "strict",
    # read by hand, none an id (stations, talent, inspections, evaluations, funding views)
    "year",
    "quarter",
    "service_year",
    "status",
    "order",
    "view",
    "late",
    "whatif",
    "qr",
    "by",
    "project",
    "template",
    "reason",
    "unmask",
    # templates asking ``request.GET.urlencode`` and the like
    "urlencode",
    "items",
    "lists",
    "dict",
    "copy",
    "keys",
    "values",
    # the API schema and docs
    "version",
    "script",
    "lang",
    # the admin's own state: its page, popups, facets, preserved filters, autocomplete target
    "p",
    "all",
    "_facets",
    "_popup",
    "_selected_action",
    "_to_field",
    "_changelist_filters",
    "app_label",
    "model_name",
    "field_name",
}
# Free-text searches: walked with the samples' mark, which names every one of them.
SEARCH_PARAMS = {"q", "search", "term"}
# Parameters views read themselves (not through a FilterSet) that carry an id.
ID_PARAMS = {
    "station": "stations.Station",
    "district": "stations.District",
    "contract": "stations.Contract",
    # The audit trail's "history of one object" filter: station A1's history, for instance.
    "object_id": "stations.Station",
}
# Answers in another format than the page: the variants a list page is walked with.
EXPORTS = {"export": {"export": "xlsx"}, "format": {"format": "xlsx"}}
# The export a view offers only with a stated reason: ID numbers in full.
UNMASKED = {"unmask": "1", "reason": "核对名单"}


def _api_filterset(route: Route):
    """The FilterSet DRF's backend builds for a viewset (``filterset_fields`` included)."""
    from django_filters.rest_framework import DjangoFilterBackend

    cls = route.view_class
    if cls is None or not issubclass(cls, GenericAPIView) or cls.queryset is None:
        return None
    view = cls()
    view.action = "list"
    return DjangoFilterBackend().get_filterset_class(view, cls.queryset)


def param_model(route: Route, name: str, request, filtersets=()) -> type[models.Model] | str | None:
    """The model whose id the query parameter ``name`` of ``route`` takes, ``None`` for a
    parameter that takes no id, ``"search"`` for free text, or ``"unknown"``. ``filtersets``
    are those the view built while it answered."""
    from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter, NumberFilter

    for fs in (*filtersets, _api_filterset(route)):
        if fs is None:
            continue
        if name not in fs.base_filters and any(
            name.startswith(f"{base}_") for base in fs.base_filters
        ):
            return None  # a range's bounds (``at_after``, ``at_before``): dates, not ids
        if name not in fs.base_filters:
            continue
        flt = fs.base_filters[name]
        if isinstance(flt, ModelChoiceFilter | ModelMultipleChoiceFilter):
            queryset = flt.queryset
            if callable(queryset):
                queryset = queryset(request)
            return queryset.model
        if isinstance(flt, NumberFilter) and flt.field_name.endswith("_id"):
            model = fs._meta.model
            for part in flt.field_name[: -len("_id")].split("__"):
                model = model._meta.get_field(part).related_model
            return model
        if name in ID_PARAMS:  # a text filter that still takes an id (``object_id``)
            return apps.get_model(ID_PARAMS[name])
        return "search" if name in SEARCH_PARAMS else None
    if name in SEARCH_PARAMS:
        return "search"
    if name in ID_PARAMS:
        return apps.get_model(ID_PARAMS[name])
    if name in NOT_IDS:
        return None
    return "unknown"


# --- binding routes to the samples ----------------------------------------------------------


@dataclass
class Binding:
    """One address of a route: its kwargs bound to district A's samples, and the same
    address with every scoped id replaced by one that does not exist."""

    route: Route
    kwargs: dict[str, Any]
    missing: dict[str, Any]
    scoped: bool  # some kwarg names a scoped row (else only public rows and slugs)
    model: type[models.Model] | None = None  # the first scoped model named

    @property
    def url(self) -> str:
        return self.route.url(**self.kwargs)

    @property
    def missing_url(self) -> str:
        return self.route.url(**self.missing)

    @property
    def replace(self) -> tuple[str, ...]:
        values = [self.url, self.missing_url]
        values += [str(v) for k, v in self.kwargs.items() if self.kwargs[k] != self.missing[k]]
        values += [str(v) for k, v in self.missing.items() if self.kwargs[k] != self.missing[k]]
        return tuple(values)

    def __str__(self) -> str:
        return self.url


def _public_row(world, model):
    """A row of ``model`` for a kwarg: the registered sample, else (public reference data
    and third-party rows only) any row there is."""
    from tests import samples

    if model in samples.registry():
        return samples.sample(world, model)
    if samples.is_scoped(model):
        raise LookupError(f"no sample of {model._meta.label}: register one")
    row = model._default_manager.order_by("pk").first()
    if row is None:
        raise LookupError(f"no row of {model._meta.label} to fill a route: register a sample")
    return row


def bindings(route: Route, world) -> list[Binding]:
    """Every address of ``route`` the walk calls. Raises ``Unbound``/``LookupError`` when it
    cannot bind one, which fails the walk."""
    from itertools import product

    from tests import samples

    kwargs = [kwarg_of(route, name) for name in route.kwargs]
    if route.name == "admin:view_on_site":
        # The shortcut reaches a row only through its get_absolute_url(): every model that
        # has one is walked, and one that has none stands for the rest (the same 404).
        models_ = [m for m in samples.registry() if hasattr(m, "get_absolute_url")]
        models_ += [m for m in samples.registry() if samples.is_scoped(m)][:1]
        found = []
        for model in models_:
            row = _public_row(world, model)
            ct = content_type_id(model)
            scoped = samples.is_scoped(model)
            found.append(
                Binding(
                    route,
                    {"content_type_id": ct, "object_id": row.pk},
                    {"content_type_id": ct, "object_id": MISSING if scoped else row.pk},
                    scoped,
                    model if scoped else None,
                )
            )
        return found
    choices = []
    for kw in kwargs:
        if kw.model is None:
            choices.append([(kw.name, value, value, None) for value in kw.values])
        else:
            row = _public_row(world, kw.model)
            scoped = samples.is_scoped(kw.model)
            missing = MISSING if scoped else row.pk
            choices.append([(kw.name, row.pk, missing, kw.model if scoped else None)])
    found = []
    for combo in product(*choices):
        scoped_models = [m for _n, _v, _m, m in combo if m is not None]
        found.append(
            Binding(
                route,
                {n: v for n, v, _m, _s in combo},
                {n: m for n, _v, m, _s in combo},
                bool(scoped_models),
                scoped_models[0] if scoped_models else None,
            )
        )
    return found


# --- personas and the world the walk runs in --------------------------------------------------

# Who must see nothing of district A's samples: district B's officer, station B1's manager, the
# admin of institution B (which runs station A2 in district A, but nothing at A1), and the
# evaluator and inspector none of district A's samples is assigned to.
OUTSIDERS = (
    "district_b_officer",
    "station_b1_manager",
    "institution_b_admin",
    "evaluator",
    "inspector",
)


def insiders(world) -> list:
    """Who may see district A's samples, most powerful first."""
    from tests.portal.samples import assigned_evaluator, assigned_inspector

    return [
        world.city_admin,
        world.district_a_officer,
        world.station_a1_manager,
        world.institution_a_admin,
        world.subdistrict_a1_officer,
        world.city_officer,
        assigned_evaluator(world),
        assigned_inspector(world),
    ]


def walk_world(request, settings, tmp_path, *, scoped: bool = True):
    """The ``world`` with ids of every table in separate ranges, the samples built (the
    public ones only, or all), and every user there is let into the admin, so that the
    admin's own scoping is walked too."""
    from portal.models import User
    from tests import samples

    settings.MEDIA_ROOT = tmp_path / "media"
    samples.separate_id_ranges()  # before the world's own rows are written
    world = request.getfixturevalue("world")
    # Station A1's name and code carry the mark too (the world's own would match the import
    # templates' example row, "五山街社工服务站", "TH-001").
    world.station_a1.name = f"{samples.MARK}五山街社工服务站"
    world.station_a1.code = "TH-A1-WALK"
    world.station_a1.save(update_fields=["name", "code"])
    samples.build_public(world)
    if scoped:
        samples.build_scoped(world)
    User.objects.filter(is_superuser=False).update(is_staff=True)
    for value in vars(world).values():
        if isinstance(value, User):
            value.is_staff = True
    return world


def record(request, **counts) -> None:
    """Counts for the terminal summary (tests/conftest.py), which adds them up over workers."""
    request.node.user_properties.append(("scope_walk", counts))


def marks(world) -> tuple[str, ...]:
    """Strings no outsider may ever read: the samples' mark (station A1's name has it too),
    station A1's code."""
    from tests.samples import MARK

    return (MARK, world.station_a1.code)
