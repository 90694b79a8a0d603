"""The scope walk, part 2: every route that names an object.

For every route of the URL resolver with object kwargs (pages, API detail routes and actions,
the admin's object pages, PDFs, exports, downloads and histories), the
kwargs are bound to district A's sample rows (tests/samples.py), and each outsider asks for
it with every method the route answers: the answer must be the answer for an id that does not
exist (the same status and the same body, the id aside), and that answer is 404, or 403 where
the whole page is another role's tool (then the missing id answers 403 too: the refusal comes
before any lookup). The admin answers both with the same redirect.

A positive check makes this proof worth something: through every such address some insider
(city, district A, station A1, the assigned evaluator or inspector) gets an answer that is not
the missing-id answer. Without it a route bound to the wrong model would "prove" 404 for
everyone. Ids of every table lie in separate ranges (``separate_id_ranges``), so a wrong
binding cannot find a row by coincidence.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.views.generic import RedirectView

from tests.walk import (
    OUTSIDERS,
    Caller,
    Unbound,
    bindings,
    insiders,
    methods_of,
    record,
    routes,
    walk_world,
)

# Reports and packs are compared as text (poppler-utils).
pytestmark = pytest.mark.tools("pdftotext")


@pytest.fixture
def world_with_samples(db, request, settings, tmp_path):
    return walk_world(request, settings, tmp_path)


def object_routes():
    """Routes with kwargs, except deliberately public ones (a survey link's token)."""
    return [r for r in routes() if r.kwargs and not r.is_public]


def category(route) -> str:
    if route.in_admin:
        return "admin object routes"
    if route.is_api:
        return "API object routes"
    return "page object routes"


def scoped_bindings(world):
    found, unbound = [], []
    for route in object_routes():
        try:
            for binding in bindings(route, world):
                if binding.scoped:
                    found.append(binding)
        except (Unbound, LookupError) as exc:
            unbound.append(str(exc))
    return found, unbound


def walk_methods(route) -> list[str]:
    # The admin's views look their object up before they branch on the method.
    return ["get"] if route.in_admin else methods_of(route)


def judge(route, method, binding, got, missing, persona) -> str | None:
    where = f"{method.upper()} {binding.url} ({route.label}) as {persona}"
    if got.error or missing.error:
        return f"{where}: server error {got.error or missing.error}"
    if got.status >= 500 or missing.status >= 500:
        return f"{where}: {got.status}/{missing.status}"
    if not got.same_as(missing, *binding.replace):
        return (
            f"{where}: tells district A's {binding.model._meta.label} from a missing id:\n"
            f"    sample:  {got.brief()}\n    missing: {missing.brief()}"
        )
    if route.in_admin:
        if got.status not in (302, 403, 404):
            return f"{where}: the admin answered {got.status}"
    elif got.status not in (403, 404, 405):
        return f"{where}: answered {got.status} for the sample and a missing id, expected 404"
    return None


def test_every_route_with_kwargs_is_bound(world_with_samples, request):
    """The walk knows what every kwarg of every route names (or the values of a slug)."""
    found, unbound = scoped_bindings(world_with_samples)
    assert not unbound, "\n".join(unbound)
    record(request, **{"bound object addresses": len(found)})


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_a_district_a_object_looks_missing_to_an_outsider(
    world_with_samples, client, request, persona
):
    world = world_with_samples
    caller = Caller(client, getattr(world, persona))
    found, unbound = scoped_bindings(world)
    problems = list(unbound)
    proved: Counter = Counter()
    failed_routes = set()
    for binding in found:
        route = binding.route
        for method in walk_methods(route):
            got = caller.call(method, binding.url, api=route.is_api)
            missing = caller.call(method, binding.missing_url, api=route.is_api)
            problem = judge(route, method, binding, got, missing, persona)
            if problem:
                problems.append(problem)
                failed_routes.add(route.pattern)
            elif got.status in (403, 405):
                proved[f"answers {got.status} before any lookup"] += 1
    routes_seen: dict[str, set] = {}
    for binding in found:
        routes_seen.setdefault(category(binding.route), set()).add(binding.route.pattern)
    for name, patterns in routes_seen.items():
        proved[name] = len(patterns - failed_routes)
    proved["requests (object walk)"] = caller.count
    record(request, persona=persona, **proved)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def why_closed(binding) -> str | None:
    """Addresses that lead to no row by construction, so no insider can reach one there."""
    route = binding.route
    if route.view_class is RedirectView:
        # The admin's "<object_id>/": a redirect to the object's change page, walked itself.
        return "admin redirects to an object page walked itself"
    scope_actions = getattr(binding.model, "scope_actions", None)
    if (
        route.in_admin
        and route.pattern.endswith("delete/")
        and scope_actions is not None
        and not scope_actions.get("delete")
    ):
        return "admin delete pages of models no role may delete"
    return None


def test_every_bound_address_reaches_the_sample_for_someone(world_with_samples, client, request):
    """The positive check: the walk's 404s mean something only if the address finds the row
    for someone who may see it. An address every insider gets the missing-id answer from is
    accepted only when that answer is a refusal before any lookup (403, 405: no role may use
    it, such as deleting an audit row) or the admin's redirect to the object's own page."""
    from django.test import Client

    world = world_with_samples
    callers = [Caller(Client(), user) for user in insiders(world)]
    found, unbound = scoped_bindings(world)
    problems = list(unbound)
    counts: Counter = Counter()
    for binding in found:
        route = binding.route
        closed = why_closed(binding)
        if closed:
            counts[closed] += 1
            continue
        methods = walk_methods(route)
        method = "get" if "get" in methods else methods[0]
        answers = set()
        for caller in callers:
            got = caller.call(method, binding.url, api=route.is_api)
            if got.error or got.status >= 500:
                problems.append(
                    f"{method.upper()} {binding.url} ({route.label}) as {caller.user.username}: "
                    f"server error {got.error or got.status}"
                )
                break
            missing = caller.call(method, binding.missing_url, api=route.is_api)
            if not got.same_as(missing, *binding.replace):
                counts["addresses reached by an insider"] += 1
                break
            answers.add(got.status)
        else:
            if answers <= {403, 405} or (route.in_admin and answers == {302}):
                counts["addresses closed to every role"] += 1
            elif route.name == "admin:view_on_site" and not hasattr(
                binding.model, "get_absolute_url"
            ):
                counts["admin shortcuts to models without a page"] += 1
            else:
                problems.append(
                    f"{method.upper()} {binding.url} ({route.label}): no insider reaches district "
                    f"A's {binding.model._meta.label} here ({sorted(answers)}), so its 404s prove "
                    "nothing (wrong model for a kwarg, or a sample nobody may see)"
                )
    record(request, **counts)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
