"""Every URL pattern and API route is scoped or explicitly public, and behaves so.

The walk is generic: it reads the live URL resolver (pages, the DRF router, the admin), so a
route another app adds later is checked without touching this file.

1. Structure: a view is scoped when its class (or viewset class) says ``scoped = True`` and
   signs the user in (``ScopedMixin``/``RoleRequiredMixin``, ``ScopedViewSetMixin``); public
   when ``portal.views.mixins.public_view`` marked it. The admin counts as scoped only if
   every registered ModelAdmin is a ``portal.admin.ScopedAdmin`` (rows from ``restrict``;
   inlines show only children of a parent that passed ``restrict``).
2. Behaviour, for every parameterless GET route: anonymous visitors are sent to sign in (pages)
   or refused (API); no persona of the ``world`` fixture gets a server error; district B's
   people never see a station name of district A.
3. Behaviour, for every route taking a ``pk`` of a scoped model: an object of district A
   answers district B's people exactly like an object that does not exist (404 for object
   pages and API detail routes; 403 only where the whole page is another role's tool).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import models
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from rest_framework.generics import GenericAPIView
from rest_framework.routers import APIRootView
from rest_framework.views import APIView

from portal.admin import CityAdminOnlyAdmin, ScopedAdmin
from portal.api.mixins import RoleRequiredViewSetMixin, ScopedViewSetMixin
from portal.views.mixins import RoleRequiredMixin, ScopedMixin

# A district A station; its name must never reach district B's people.
A_STATION_NAME = "五山街社工服务站"
OUTSIDERS = ("district_b_officer", "station_b1_manager")
PERSONAS = (
    "city_admin",
    "city_officer",
    "district_a_officer",
    "subdistrict_a1_officer",
    "institution_a_admin",
    "station_a1_manager",
    "district_b_officer",
    "station_b1_manager",
    "evaluator",
    "inspector",
)
# Views that are neither scoped nor public, with the reason they may be.
ALLOWED = {
    # DRF's API root lists the endpoint URLs of the router, no rows; it requires sign-in
    # like every API view (DEFAULT_PERMISSION_CLASSES), which the behaviour test checks.
    APIRootView: "lists endpoint addresses only",
}
# The admin's own sign-in and sign-out pages are open to anonymous visitors by design.
ADMIN_SIGN_IN = {"admin:login", "admin:logout"}
MISSING_PK = 2_147_483_000


@dataclass
class Route:
    pattern: str
    name: str | None
    callback: object
    kwargs: tuple[str, ...]
    in_admin: bool
    view_class: type | None = field(default=None)

    @property
    def is_public(self) -> bool:
        return bool(getattr(self.callback, "public", False))

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")


def _view_class(callback) -> type | None:
    return getattr(callback, "view_class", None) or getattr(callback, "cls", None)


def _kwargs_of(pattern) -> tuple[str, ...]:
    if isinstance(pattern, RoutePattern):  # path("users/<int:pk>/")
        return tuple(pattern.converters)
    return tuple(pattern.regex.groupindex)  # re_path / the DRF router


def walk(
    patterns=None,
    prefix: str = "",
    namespace: str | None = None,
    in_admin=False,
    kwargs: tuple[str, ...] = (),
):
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


def is_scoped(route: Route) -> bool:
    cls = route.view_class
    if cls is None or not getattr(cls, "scoped", False):
        return False
    if issubclass(cls, GenericAPIView):
        # A viewset over a queryset must take its rows from restrict().
        return issubclass(cls, ScopedViewSetMixin)
    if issubclass(cls, APIView):
        return True  # a DRF view without a queryset (answers about the caller only)
    return issubclass(cls, LoginRequiredMixin)


def admin_problems() -> list[str]:
    problems = []
    for model, model_admin in admin.site._registry.items():
        cls = type(model_admin)
        if not isinstance(model_admin, ScopedAdmin):
            problems.append(f"{model._meta.label}: {cls.__name__} is not a ScopedAdmin")
            continue
        # An override between the admin and ScopedAdmin must still go through restrict().
        for klass in cls.__mro__:
            if klass in (ScopedAdmin, CityAdminOnlyAdmin) or not issubclass(klass, ScopedAdmin):
                continue
            own = klass.__dict__.get("get_queryset")
            if own is None:
                continue
            source = inspect.getsource(own)
            if "restrict" not in source and "super()" not in source:
                problems.append(
                    f"{model._meta.label}: {klass.__name__}.get_queryset bypasses restrict()"
                )
    return problems


# --- 1. structure ------------------------------------------------------------------------


def test_every_route_is_scoped_or_explicitly_public():
    unscoped = []
    for route in routes():
        if route.in_admin or route.is_public or is_scoped(route):
            continue
        if route.view_class is not None and route.view_class in ALLOWED:
            continue
        label = route.view_class.__name__ if route.view_class else route.callback
        unscoped.append(f"/{route.pattern} -> {label}")
    assert not unscoped, "Routes neither scoped nor public:\n" + "\n".join(unscoped)


def test_the_walk_sees_pages_api_routes_and_the_admin():
    patterns = [r.pattern for r in routes()]
    assert any(p.startswith("manage/users/") for p in patterns)
    assert any(p.startswith("api/v1/") and "users" in p for p in patterns)
    assert any(p.startswith("admin/") for p in patterns)


def test_every_admin_takes_its_rows_from_restrict():
    problems = admin_problems()
    assert not problems, "\n".join(problems)


# --- 2. parameterless GET routes --------------------------------------------------------


def get_routes() -> list[Route]:
    found = []
    for route in routes():
        if route.kwargs or not route.name:
            continue
        found.append(route)
    return found


def _url(route: Route, **kwargs) -> str:
    return reverse(route.name, kwargs=kwargs or None)


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in_or_refused(world, client):
    login_url = resolve_url(settings.LOGIN_URL)
    admin_login = reverse("admin:login")
    problems = []
    for route in get_routes():
        url = _url(route)
        response = client.get(url)
        status = response.status_code
        if status >= 500:
            problems.append(f"{url}: {status}")
        elif route.is_public:
            continue
        elif route.is_api:
            if status not in (401, 403):
                problems.append(f"{url}: API answered {status} to an anonymous caller")
        elif route.in_admin:
            if route.name in ADMIN_SIGN_IN:
                continue
            if status != 302 or not response["Location"].startswith(admin_login):
                problems.append(f"{url}: admin answered {status}")
        elif status != 302 or not response["Location"].startswith(login_url):
            problems.append(f"{url}: answered {status}, not a redirect to {login_url}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_no_persona_breaks_a_page_and_outsiders_see_nothing_of_district_a(world, login, persona):
    client = login(getattr(world, persona))
    problems = []
    for route in get_routes():
        url = _url(route)
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
            continue
        if persona in OUTSIDERS and A_STATION_NAME in _body(response):
            problems.append(f"{url}: shows {A_STATION_NAME} to {persona}")
    assert not problems, "\n".join(problems)


# --- 3. routes with a pk ------------------------------------------------------------------


def _model_of(route: Route) -> type[models.Model] | None:
    cls = route.view_class
    if cls is None:
        return None
    queryset = getattr(cls, "queryset", None)
    if queryset is not None and hasattr(queryset, "model"):
        return queryset.model
    return getattr(cls, "model", None)


def pk_routes() -> list[Route]:
    found = []
    for route in routes():
        if route.in_admin or not route.name or set(route.kwargs) != {"pk"}:
            continue
        model = _model_of(route)
        if model is not None and hasattr(model.objects, "restrict"):
            found.append(route)
    return found


def _hidden_from(model, persona_user, insider_user):
    """An object ``persona_user`` may not see, preferably one district A's officer sees."""
    hidden = model._default_manager.exclude(
        pk__in=model.objects.restrict(persona_user, "view").values("pk")
    )
    of_a = hidden.filter(pk__in=model.objects.restrict(insider_user, "view").values("pk"))
    return of_a.order_by("pk").first() or hidden.order_by("pk").first()


def test_the_walk_finds_detail_routes_of_scoped_models():
    names = {r.name for r in pk_routes()}
    assert "manage:user_detail" in names
    assert "user-detail" in names or any(n.endswith("user-detail") for n in names)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", OUTSIDERS)
def test_an_object_of_district_a_looks_missing_to_district_b(world, login, persona):
    user = getattr(world, persona)
    client = login(user)
    problems, checked = [], []
    for route in pk_routes():
        model = _model_of(route)
        obj = _hidden_from(model, user, world.district_a_officer)
        if obj is None:
            continue  # every row of this model is visible to everyone (public reference data)
        status = client.get(_url(route, pk=obj.pk)).status_code
        missing = client.get(_url(route, pk=MISSING_PK)).status_code
        checked.append(route.name)
        role_gated = route.view_class is not None and issubclass(
            route.view_class, RoleRequiredMixin | RoleRequiredViewSetMixin
        )
        object_scoped = route.view_class is not None and issubclass(
            route.view_class, ScopedMixin | ScopedViewSetMixin
        )
        if status != missing:
            problems.append(f"{route.name}: {status} for {obj!r}, {missing} for a missing pk")
        elif status == 200 or status >= 500:
            problems.append(f"{route.name}: {status}")
        elif status == 403 and not role_gated:
            problems.append(f"{route.name}: 403 tells {persona} the object exists")
        elif object_scoped and not role_gated and status not in (404, 405):
            problems.append(f"{route.name}: {status}, expected 404")
    assert checked, "no pk route was checked"
    assert not problems, "\n".join(problems)
