"""One sample row per scoped model, anchored in district A, for the scope walk.

The walk (``tests/test_scope_walk*.py``) must be able to put one row of every scoped model
behind every route that names it, and then prove that district B's people (and the
evaluators and inspectors not assigned to it) cannot tell that row from one that does not
exist. Each app's tests register, in ``tests/<app>/samples.py``, how to build that row:

    @register(Budget)
    def budget(world) -> Budget:
        ...  # anchored at station A1 / institution A / district A

A factory builds the parents it needs through ``sample(world, Parent)``, which builds each
model once per ``world``. Rows of public reference models (``scope.public``) may be
registered too: the walk needs one to fill a route's ``<pk>``, and builds them first, before
it takes the outsiders' baseline, so that only scoped rows are added afterwards.

Text fields of samples carry ``MARK``, so that a leaked sample is easy to spot in a body.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import connection, models

from portal.scoping import ScopedModel

# In every free-text field of a sample: "甲区样本" (district A's sample).
MARK = "甲区样本"

Factory = Callable[[Any], models.Model]
SAMPLES: dict[type[models.Model], Factory] = {}


def register(model: type[models.Model]) -> Callable[[Factory], Factory]:
    def decorator(factory: Factory) -> Factory:
        if model in SAMPLES:
            raise ValueError(f"a sample of {model._meta.label} is already registered")
        SAMPLES[model] = factory
        return factory

    return decorator


def registry() -> dict[type[models.Model], Factory]:
    """Every registered factory. The apps' modules are named here, not guessed."""
    from tests.evaluations import samples as _evaluations  # noqa: F401
    from tests.funding import samples as _funding  # noqa: F401
    from tests.inspections import samples as _inspections  # noqa: F401
    from tests.portal import samples as _portal  # noqa: F401
    from tests.rectification import samples as _rectification  # noqa: F401
    from tests.services import samples as _services  # noqa: F401
    from tests.stations import samples as _stations  # noqa: F401
    from tests.talent import samples as _talent  # noqa: F401

    return SAMPLES


def is_public(model: type[models.Model]) -> bool:
    """Public reference data: every signed-in user may view every row."""
    return issubclass(model, ScopedModel) and bool(model.scope.public)


def is_scoped(model: type[models.Model]) -> bool:
    """Anything else: scoped rows, and third-party rows only the city admin sees (tokens)."""
    return not is_public(model)


def scoped_models() -> list[type[models.Model]]:
    """Every concrete ScopedModel whose rows are not public reference data, in every app."""
    return sorted(
        (
            m
            for m in apps.get_models()
            if issubclass(m, ScopedModel) and is_scoped(m) and not m._meta.abstract
        ),
        key=lambda m: m._meta.label,
    )


def missing_samples() -> list[str]:
    known = registry()
    return [m._meta.label for m in scoped_models() if m not in known]


class PublicSampleTooLate(RuntimeError):
    pass


def _store(world) -> dict:
    return world.__dict__.setdefault("_samples", {})


def sample(world, model: type[models.Model]) -> models.Model:
    """The sample row of ``model`` for ``world``, built (with its parents) on first use."""
    store = _store(world)
    if model not in store:
        factory = registry().get(model)
        if factory is None:
            raise LookupError(
                f"no sample of {model._meta.label}: register one in tests/"
                f"{model._meta.app_label}/samples.py"
            )
        if is_public(model) and world.__dict__.get("_scoped_phase"):
            raise PublicSampleTooLate(
                f"{model._meta.label} is public reference data: its sample must be built "
                "with the public ones, before any scoped sample (register it)"
            )
        store[model] = factory(world)
    return store[model]


def helper(world, key: str, build: Callable[[], Any]) -> Any:
    """A row samples share that is not itself a model's sample (an assigned evaluator)."""
    store = _store(world)
    if key not in store:
        store[key] = build()
    return store[key]


def build_public(world) -> dict[type[models.Model], models.Model]:
    return {m: sample(world, m) for m in registry() if is_public(m)}


def build_scoped(world) -> dict[type[models.Model], models.Model]:
    world.__dict__["_scoped_phase"] = True
    return {m: sample(world, m) for m in registry() if not is_public(m)}


def build_all(world) -> dict[type[models.Model], models.Model]:
    return build_public(world) | build_scoped(world)


ID_BLOCK = 100_000


def separate_id_ranges() -> None:
    """Give every table its own block of ids, so that an id of one model is never a valid
    id of another: a route the walk maps to the wrong model then fails its positive check
    instead of passing by coincidence."""
    for index, model in enumerate(sorted(apps.get_models(), key=lambda m: m._meta.label)):
        pk = model._meta.pk
        if not isinstance(pk, models.AutoField):  # BigAutoField and SmallAutoField too
            continue
        table, column = model._meta.db_table, pk.column
        start = (index + 1) * ID_BLOCK
        qn = connection.ops.quote_name
        # Names from the models' own Meta, not from input.
        highest = f"SELECT COALESCE(MAX({qn(column)}), 0) FROM {qn(table)}"  # noqa: S608
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, %s), GREATEST(%s, ({highest}) + 1),"
                    " false)",
                    [qn(table), column, start],
                )
            elif connection.vendor == "sqlite":
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute(
                    f"INSERT INTO sqlite_sequence (name, seq) SELECT %s, MAX(%s, ({highest}))",
                    [table, start - 1],
                )
