"""The scope walk, part 3: lists, counts, exports and filters.

Every route the walk can call without naming a scoped row (every parameterless route: pages,
API lists, boards, dashboards, the admin's lists; and every route that names only public
reference rows: a cycle's board, an institution's page, a district's pack) is called by each
outsider twice: in a world with district A's public reference rows only, and again after all
of district A's scoped samples were added. Nothing an outsider reads may change: no row, no
count, no total, no export line. Each call is repeated with every variant the page reads:

- an export (``?export=xlsx``, ``?format=xlsx``) wherever the view reads that parameter;
- every query parameter it reads that takes an id (its FilterSet's model filters and id
  fields, and ``station``/``district``/``contract`` read by hand), with district A's id:
  a public row's id (district A, institution A) must answer the same before and after;
  a scoped row's id (station A1, a district-A person) must answer like an id that does not
  exist ("不是可选项" or an empty list, never the rows, never a 500).

Which parameters a view reads is recorded while it answers (``walk.recording_params``), so
a filter added later is walked without touching this file.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import pytest
from django.test import RequestFactory

from tests import samples
from tests.samples import MARK
from tests.walk import (
    EXPORTS,
    MISSING,
    OUTSIDERS,
    UNMASKED,
    Answer,
    Binding,
    Caller,
    Unbound,
    bindings,
    marks,
    methods_of,
    param_model,
    record,
    routes,
    walk_world,
)

# Reports and packs are compared as text (poppler-utils).
pytestmark = pytest.mark.tools("pdftotext")


def list_targets(world) -> tuple[list[Binding], list[str]]:
    """Every address that names no scoped row: parameterless routes, and routes whose kwargs
    name only public reference rows (or slugs)."""
    found, unbound = [], []
    for route in routes():
        if not route.kwargs:
            found.append(Binding(route, {}, {}, False))
            continue
        if route.is_public:
            continue
        try:
            found += [b for b in bindings(route, world) if not b.scoped]
        except (Unbound, LookupError) as exc:
            unbound.append(str(exc))
    return found, unbound


def category(binding) -> str:
    route = binding.route
    kind = "admin" if route.in_admin else "API" if route.is_api else "page"
    return f"{kind} lists" if not route.kwargs else f"{kind} routes of public rows"


def diff(before, after) -> str:
    lines = difflib.unified_diff(
        before.text.splitlines(), after.text.splitlines(), "before", "after", n=0, lineterm=""
    )
    shown = [line.strip()[:160] for line in list(lines)[2:14]]
    return "\n      ".join(shown)


def label(binding, params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{binding.url}{'?' + query if query else ''} ({binding.route.label})"


@dataclass
class Call:
    binding: Binding
    method: str
    params: dict
    kind: str  # what the call proves: a list, an export, a filter value, a search
    before: Answer | None = None

    @property
    def api(self) -> bool:
        return self.binding.route.is_api


def variants(binding, plain, world, fake) -> tuple[list[Call], list[Call], list[str]]:
    """The calls a route's plain answer asks for: exports, and every parameter it read that
    takes an id (public: compared before and after; scoped: against a missing id)."""
    compared, against_missing, problems = [], [], []
    for name in sorted(plain.params_read):
        if name in EXPORTS and not (binding.route.is_api and name == "format"):
            compared.append(Call(binding, "get", EXPORTS[name], "exports"))
            continue
        model = param_model(binding.route, name, fake, plain.filtersets)
        if model is None:
            continue
        if model == "search":
            if searches(binding.route):
                compared.append(Call(binding, "get", {name: MARK}, "searches for the samples"))
        elif model == "unknown":
            problems.append(
                f"{binding.url} ({binding.route.label}) reads ?{name}=: the walk cannot tell "
                "whether it takes an id; add it to walk.NOT_IDS or walk.ID_PARAMS"
            )
        elif samples.is_public(model):
            value = samples.sample(world, model).pk
            compared.append(Call(binding, "get", {name: value}, "filters by a public id of A"))
        else:
            against_missing.append(
                Call(binding, "get", {name: model}, "filters by a scoped id of A")
            )
    return compared, against_missing, problems


def searches(route) -> bool:
    """An admin list reads ``?q=`` whether or not it searches anything: only those with
    ``search_fields`` are worth a search."""
    model_admin = getattr(route.callback, "model_admin", None)
    return model_admin is None or bool(model_admin.search_fields)


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_nothing_of_district_a_reaches_an_outsider_through_a_list(
    db, request, settings, tmp_path, client, persona
):
    world = walk_world(request, settings, tmp_path, scoped=False)
    user = getattr(world, persona)
    caller = Caller(client, user)
    fake = RequestFactory().get("/")
    fake.user = user
    targets, problems = list_targets(world)
    forbidden = marks(world)

    # Before: the outsider's answers while district A holds public rows only.
    compared: list[Call] = []
    against_missing: list[Call] = []
    for binding in targets:
        methods = methods_of(binding.route)
        call = Call(binding, "get" if "get" in methods else methods[0], {}, category(binding))
        compared.append(call)
        call.before = caller.call(call.method, binding.url, api=call.api)
        if call.method != "get":
            continue
        more, scoped, unknown = variants(binding, call.before, world, fake)
        problems += unknown
        against_missing += scoped
        while more:
            extra = more.pop(0)
            extra.before = caller.call("get", binding.url, extra.params, api=extra.api)
            compared.append(extra)
            if extra.kind == "exports" and "unmask" in extra.before.params_read - set(extra.params):
                # The export that shows ID numbers in full (talent.views, with a reason).
                more.append(Call(binding, "get", {**extra.params, **UNMASKED}, "exports"))

    samples.build_scoped(world)

    # After: every scoped sample of district A is there; nothing may have changed.
    proved: dict[str, set] = {}
    failed: set[str] = set()

    def check(call, got, where, *, searched=False) -> None:
        if got.error or got.status >= 500:
            problems.append(f"{where}: server error {got.error or got.status}")
        elif not searched and any(mark in got.text for mark in forbidden):
            problems.append(f"{where}: shows {[m for m in forbidden if m in got.text]}")
        else:
            proved.setdefault(call.kind, set()).add((call.binding.url, str(call.params)))
            return
        failed.add(call.binding.route.pattern)

    for call in compared:
        after = caller.call(call.method, call.binding.url, call.params, api=call.api)
        where = f"{call.method.upper()} {label(call.binding, call.params)} as {persona}"
        if not after.error and after.status < 500 and not call.before.same_as(after):
            problems.append(
                f"{where}: changes when district A's rows are added:\n"
                f"      {diff(call.before, after)}"
            )
            failed.add(call.binding.route.pattern)
            continue
        check(call, after, where, searched=MARK in call.params.values())
    for call in against_missing:
        ((name, model),) = call.params.items()
        value = samples.sample(world, model).pk
        got = caller.call("get", call.binding.url, {name: value}, api=call.api)
        missing = caller.call("get", call.binding.url, {name: MISSING}, api=call.api)
        where = f"GET {label(call.binding, {name: value})} ({model._meta.label}) as {persona}"
        if (
            not got.error
            and got.status < 500
            and not got.same_as(missing, str(value), str(MISSING))
        ):
            problems.append(
                f"{where}: tells district A's id from a missing one:\n"
                f"    sample:  {got.brief()}\n    missing: {missing.brief()}"
            )
            failed.add(call.binding.route.pattern)
            continue
        check(call, got, where)

    counts = {kind: len(done) for kind, done in proved.items()}
    counts["requests (list walk)"] = caller.count
    record(request, persona=persona, **counts)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
