"""Every URL pattern and API route is scoped or explicitly public, and behaves so.

The walk is generic: it reads the live URL resolver (pages, the DRF router, the admin), so a
route another app adds later is walked without touching these files. It has three parts:

1. Here: structure, and the samples. A view is scoped when its class (or viewset class) says
   ``scoped = True`` and signs the user in (``ScopedMixin``/``RoleRequiredMixin``,
   ``ScopedViewSetMixin``); public when ``portal.views.mixins.public_view`` marked it. The
   admin counts as scoped only if every registered ModelAdmin is a ``portal.admin.ScopedAdmin``.
   Every scoped model registers a district-A sample row (tests/samples.py), and an insider
   can see each one. Anonymous visitors are sent to sign in; no insider breaks a page.
2. tests/test_scope_walk_objects.py: every route with object kwargs, bound to the samples,
   answers each outsider exactly like an id that does not exist.
3. tests/test_scope_walk_lists.py: nothing an outsider reads (lists, counts, exports, routes
   of public rows, with district A's ids as filter values) changes when district A's samples
   are added.

Outsiders: district B's officer, station B1's manager, institution B's admin, and the
evaluator and inspector not assigned to the samples. Nothing in the walk skips: a route it
cannot bind, a model without a sample, a parameter it cannot classify fails it. The terminal
summary ("scope walk") says how many routes and variants each part proved, per persona.
"""

from __future__ import annotations

import inspect

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import resolve_url
from django.urls import reverse
from rest_framework.generics import GenericAPIView
from rest_framework.routers import APIRootView
from rest_framework.views import APIView

from portal.admin import CityAdminOnlyAdmin, ScopedAdmin
from portal.api.mixins import ScopedViewSetMixin
from portal.scoping import VIEW
from tests import samples
from tests.walk import OUTSIDERS, Caller, Route, insiders, record, routes, walk_world

# Who must not break a page (outsiders are walked by test_scope_walk_lists.py, which fails
# on a server error too).
INSIDERS = (
    "city_admin",
    "city_officer",
    "district_a_officer",
    "subdistrict_a1_officer",
    "institution_a_admin",
    "station_a1_manager",
)
# Views that are neither scoped nor public, with the reason they may be.
ALLOWED = {
    # DRF's API root lists the endpoint URLs of the router, no rows; it requires sign-in
    # like every API view (DEFAULT_PERMISSION_CLASSES), which the behaviour test checks.
    APIRootView: "lists endpoint addresses only",
}
# The admin's own sign-in and sign-out pages are open to anonymous visitors by design.
ADMIN_SIGN_IN = {"admin:login", "admin:logout"}


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


def test_every_route_is_scoped_or_explicitly_public(request):
    unscoped = []
    all_routes = routes()
    for route in all_routes:
        if route.in_admin or route.is_public or is_scoped(route):
            continue
        if route.view_class is not None and route.view_class in ALLOWED:
            continue
        label = route.view_class.__name__ if route.view_class else route.callback
        unscoped.append(f"/{route.pattern} -> {label}")
    assert not unscoped, "Routes neither scoped nor public:\n" + "\n".join(unscoped)
    record(
        request,
        **{
            "routes in the resolver": len(all_routes),
            "routes with object kwargs": sum(1 for r in all_routes if r.kwargs),
            "public routes (by design, not walked for scope)": sum(
                1 for r in all_routes if r.is_public
            ),
        },
    )


def test_the_walk_sees_pages_api_routes_and_the_admin():
    patterns = [r.pattern for r in routes()]
    assert any(p.startswith("manage/users/") for p in patterns)
    assert any(p.startswith("api/v1/") and "users" in p for p in patterns)
    assert any(p.startswith("admin/") for p in patterns)


def test_every_admin_takes_its_rows_from_restrict():
    problems = admin_problems()
    assert not problems, "\n".join(problems)


# --- 1b. the samples ----------------------------------------------------------------------


def test_every_scoped_model_registers_a_district_a_sample(request):
    missing = samples.missing_samples()
    assert not missing, (
        "Scoped models without a sample for the scope walk (register one in "
        "tests/<app>/samples.py):\n" + "\n".join(missing)
    )
    record(request, **{"scoped models with a sample": len(samples.scoped_models())})


@pytest.mark.django_db
def test_every_sample_is_seen_by_an_insider_and_by_no_outsider(request, settings, tmp_path):
    """At the queryset level, before any route: ``restrict`` hands each sample to someone of
    district A (a sample nobody may see would make every 404 of the walk a foregone
    conclusion) and to none of the outsiders."""
    world = walk_world(request, settings, tmp_path)
    people = insiders(world)
    outsiders = [getattr(world, name) for name in OUTSIDERS]
    problems = []
    for model in samples.scoped_models():
        row = samples.sample(world, model)
        seen = model._default_manager.restrict
        if not any(seen(user, VIEW).filter(pk=row.pk).exists() for user in people):
            problems.append(f"{model._meta.label}: no insider of district A sees the sample")
        for user in outsiders:
            if seen(user, VIEW).filter(pk=row.pk).exists():
                problems.append(f"{model._meta.label}: restrict() hands the sample to {user}")
    assert not problems, "\n".join(problems)


# --- 2. parameterless GET routes --------------------------------------------------------


def get_routes() -> list[Route]:
    return [route for route in routes() if not route.kwargs and route.name]


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in_or_refused(world, client, request):
    login_url = resolve_url(settings.LOGIN_URL)
    admin_login = reverse("admin:login")
    problems = []
    walked = get_routes()
    for route in walked:
        url = route.url()
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
    record(request, **{"parameterless routes refused to anonymous visitors": len(walked)})


@pytest.mark.django_db
@pytest.mark.parametrize("persona", INSIDERS)
def test_no_insider_breaks_a_page(request, settings, tmp_path, client, persona):
    """With every district-A sample in place, so that the pages have rows to show."""
    world = walk_world(request, settings, tmp_path)
    caller = Caller(client, getattr(world, persona))
    problems = []
    for route in get_routes():
        answer = caller.call("get", route.url(), api=route.is_api)
        if answer.error or answer.status >= 500:
            problems.append(f"{route.url()}: {answer.error or answer.status}")
    assert not problems, "\n".join(problems)
