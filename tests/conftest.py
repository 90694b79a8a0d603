"""Root fixtures: personas, and the rule that server-dependent tests skip only outside CI.

Personas (STYLE.md): a city admin and officer; in district A a district officer, a street/town
officer, an institution admin and the manager of station A1; in district B an officer and the
manager of station B1, who must see nothing of A; and the admin of institution B, which runs
station B1 and also station A2 in district A, but nothing at station A1.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection

from tests.factories import (
    PASSWORD,
    ContractFactory,
    DistrictFactory,
    InstitutionFactory,
    Role,
    StationFactory,
    SubdistrictFactory,
    user_with_role,
)

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# The day every test runs on unless ``--today`` moves it. Tests never read the real clock:
# whatever they build (contracts, cycles, periods, deadlines) is derived from ``today``, and
# .ci/run replays the date-sensitive apps at 1 January, 29 February, 30 June and 31 December.
DEFAULT_TODAY = "2026-09-15"
# 10:00 in Guangzhou: office hours, well away from midnight in either UTC or Asia/Shanghai.
CLOCK_TIME = dt.time(10, 0)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def pytest_addoption(parser):
    parser.addoption(
        "--today",
        default=os.environ.get("PORTAL_TEST_TODAY", DEFAULT_TODAY),
        help=(
            "the date the frozen clock shows in every test (YYYY-MM-DD); several, comma-"
            "separated, run every test once on each in one session; default %(default)s"
        ),
    )


def pinned_days(config) -> list[dt.date]:
    return [dt.date.fromisoformat(day) for day in config.getoption("--today").split(",")]


def pinned_today(config) -> dt.date:
    return pinned_days(config)[0]


def pytest_generate_tests(metafunc):
    """With several ``--today`` dates, every test runs once on each (``test_x[2027-01-01]``),
    in one session: the test databases are created once, not once per date. A test pinned to
    its own moment (``@pytest.mark.clock``) runs once."""
    for marker in metafunc.definition.iter_markers("parametrize"):
        names = marker.args[0]
        if "today" in [n.strip() for n in (names.split(",") if isinstance(names, str) else names)]:
            raise pytest.UsageError(
                f"{metafunc.definition.nodeid} parametrizes 'today', the pinned day every test "
                "runs on: name the argument otherwise (day, on)."
            )
    days = pinned_days(metafunc.config)
    if len(days) > 1 and metafunc.definition.get_closest_marker("clock") is None:
        metafunc.parametrize("today", days, indirect=True, scope="session", ids=str)


@pytest.fixture(scope="session")
def today(request) -> dt.date:
    """The pinned date every test runs on (``--today``); derive years and periods from it."""
    return getattr(request, "param", None) or pinned_today(request.config)


@pytest.fixture(autouse=True)
def _frozen_clock(request, today, monkeypatch):
    """Pin the clock for every test: ``today`` at 10:00 Asia/Shanghai, then ticking.

    ``@pytest.mark.clock("2027-03-31T23:59")`` moves one test to a moment it is about (a
    deadline's last minute); such a test must not also depend on ``--today``. Servers and
    workers a test starts inherit ``PORTAL_TODAY`` so they agree with it.
    """
    marker = request.node.get_closest_marker("clock")
    if marker is not None:
        moment = dt.datetime.fromisoformat(marker.args[0])
    else:
        moment = dt.datetime.combine(today, CLOCK_TIME)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    monkeypatch.setenv("PORTAL_TODAY", moment.astimezone(SHANGHAI).date().isoformat())
    with time_machine.travel(moment, tick=True):
        yield


@pytest.fixture
def database_clock(monkeypatch):
    """Move the pinned clock to the database's own clock, for tests of the audit trigger.

    PostgreSQL keeps audit rows 186 days with a trigger that reads the database's ``now()``
    (portal migration 0003), which no Python clock pin can move: a test that ages rows
    against it must age them from the database's now, or it depends on the real date. The
    trigger keeps the real clock on purpose (a session setting could otherwise shorten the
    retention). On SQLite there is no trigger and the pinned clock stays.
    """
    if connection.vendor != "postgresql":
        yield dt.datetime.now(tz=SHANGHAI)
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        (moment,) = cursor.fetchone()
    monkeypatch.setenv("PORTAL_TODAY", moment.astimezone(SHANGHAI).date().isoformat())
    with time_machine.travel(moment, tick=True):
        yield moment


def _redis_answers() -> bool:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return False
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Transactional tests flush every table, seeded reference rows included (project kinds,
    policy versions, checklists). Restore them afterwards so tests that run next on the same
    worker find the database as migrations left it."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            item.add_marker(
                pytest.mark.django_db(
                    *marker.args, **(marker.kwargs | {"serialized_rollback": True})
                ),
                append=False,
            )


_SEEDS: list = []


def _seed_operations() -> list:
    """The RunPython operations of every ``*_seed_*`` data migration, in migration order."""
    if not _SEEDS:
        from django.db.migrations.loader import MigrationLoader
        from django.db.migrations.operations.special import RunPython

        loader = MigrationLoader(None, ignore_no_migrations=True)
        for key in loader.graph.leaf_nodes():
            for app_label, name in loader.graph.forwards_plan(key):
                migration = loader.graph.nodes[(app_label, name)]
                if "_seed_" in name:
                    for op in migration.operations:
                        if isinstance(op, RunPython) and (app_label, name, op) not in _SEEDS:
                            _SEEDS.append((app_label, name, op))
    return _SEEDS


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Put back the rows data migrations seed (policy versions, project kinds, checklists,
    the example framework) when a transactional test on this worker flushed them: Django
    restores serialized data only at the start of the next serialized test, not after."""
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    if (
        "transactional_db" in names
        or "live_server" in names
        or (marker is not None and marker.kwargs.get("transaction"))
    ):
        return
    if "db" in names:
        request.getfixturevalue("db")
    elif marker is not None:
        request.getfixturevalue("_django_db_helper")
    else:
        return
    from django.apps import apps as global_apps

    from portal.models import PolicyVersion

    if PolicyVersion.objects.exists():
        return

    class _Editor:
        connection = connection

    from portal import audit

    with audit.suspended():
        for _app, _name, op in _seed_operations():
            op.code(global_apps, _Editor())


@pytest.fixture(autouse=True)
def _needs_servers(request):
    """``@pytest.mark.postgres`` / ``redis`` / ``tools("pdftotext")`` tests skip locally
    without the server or program, and fail in CI (.ci/run installs them)."""
    missing = []
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        missing.append("PostgreSQL (set DATABASE_URL)")
    if request.node.get_closest_marker("redis") and not _redis_answers():
        missing.append("Redis (set REDIS_URL)")
    for marker in request.node.iter_markers("tools"):
        missing += [f"{tool} on PATH" for tool in marker.args if not shutil.which(tool)]
    if missing:
        reason = "needs " + " and ".join(missing)
        if IN_CI:
            pytest.fail(f"{reason}: CI must provide it")
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def _plain_static(settings):
    # Tests render templates without running collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@dataclass
class World:
    """Two districts with one street/town, station and institution each, and their people."""

    district_a: object
    district_b: object
    subdistrict_a1: object
    subdistrict_b1: object
    station_a1: object
    station_a2: object
    station_b1: object
    institution_a: object
    institution_b: object
    contract_a1: object
    contract_b1: object
    city_admin: object
    city_officer: object
    district_a_officer: object
    subdistrict_a1_officer: object
    institution_a_admin: object
    station_a1_manager: object
    district_b_officer: object
    station_b1_manager: object
    institution_b_admin: object
    evaluator: object
    inspector: object
    password: str = PASSWORD


@pytest.fixture
def world(db) -> World:
    district_a = DistrictFactory(code="440106", name="天河区")
    district_b = DistrictFactory(code="440105", name="海珠区")
    sub_a1 = SubdistrictFactory(code="440106001", name="五山街道", district=district_a)
    sub_a2 = SubdistrictFactory(code="440106002", name="员村街道", district=district_a)
    sub_b1 = SubdistrictFactory(code="440105001", name="赤岗街道", district=district_b)
    station_a1 = StationFactory(code="TH-001", name="五山街社工服务站", subdistrict=sub_a1)
    station_a2 = StationFactory(code="TH-002", name="员村街社工服务站", subdistrict=sub_a2)
    station_b1 = StationFactory(code="HZ-001", name="赤岗街社工服务站", subdistrict=sub_b1)
    inst_a = InstitutionFactory(name="广州市甲社会工作服务中心")
    inst_b = InstitutionFactory(name="广州市乙社会工作服务中心")
    contract_a1 = ContractFactory(station=station_a1, institution=inst_a)
    ContractFactory(station=station_a2, institution=inst_b)
    contract_b1 = ContractFactory(station=station_b1, institution=inst_b)
    return World(
        district_a=district_a,
        district_b=district_b,
        subdistrict_a1=sub_a1,
        subdistrict_b1=sub_b1,
        station_a1=station_a1,
        station_a2=station_a2,
        station_b1=station_b1,
        institution_a=inst_a,
        institution_b=inst_b,
        contract_a1=contract_a1,
        contract_b1=contract_b1,
        city_admin=user_with_role("city_admin", Role.CITY_ADMIN),
        city_officer=user_with_role("city_officer", Role.CITY_OFFICER),
        district_a_officer=user_with_role("district_a", Role.DISTRICT_OFFICER, district=district_a),
        subdistrict_a1_officer=user_with_role(
            "subdistrict_a1", Role.SUBDISTRICT_OFFICER, subdistrict=sub_a1
        ),
        institution_a_admin=user_with_role(
            "institution_a", Role.INSTITUTION_ADMIN, institution=inst_a
        ),
        station_a1_manager=user_with_role("station_a1", Role.STATION_MANAGER, station=station_a1),
        district_b_officer=user_with_role("district_b", Role.DISTRICT_OFFICER, district=district_b),
        station_b1_manager=user_with_role("station_b1", Role.STATION_MANAGER, station=station_b1),
        institution_b_admin=user_with_role(
            "institution_b", Role.INSTITUTION_ADMIN, institution=inst_b
        ),
        evaluator=user_with_role("evaluator", Role.EVALUATOR),
        inspector=user_with_role("inspector", Role.INSPECTOR),
    )


@pytest.fixture
def login(client):
    """``login(user)`` signs the test client in as ``user`` through the real login form."""

    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


def pytest_report_header(config):
    return (
        f"today: {', '.join(map(str, pinned_days(config)))}; "
        f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}; "
        f"redis: {'yes' if os.environ.get('REDIS_URL') else 'no'}; CI: {IN_CI}"
    )


def pytest_terminal_summary(terminalreporter):
    """What the scope walk proved (tests/test_scope_walk*.py record it, on any worker)."""
    totals: dict[str, dict[str, int]] = {}
    skipped = 0
    for reports in terminalreporter.stats.values():
        for report in reports:
            if "test_scope_walk" in getattr(report, "nodeid", "") and report.skipped:
                skipped += 1
            if getattr(report, "when", None) != "call":
                continue
            for key, counts in getattr(report, "user_properties", ()):
                if key != "scope_walk":
                    continue
                counts = dict(counts)
                persona = counts.pop("persona", "all")
                for name, n in counts.items():
                    totals.setdefault(name, {}).setdefault(persona, 0)
                    totals[name][persona] += n
    if not totals:
        return
    terminalreporter.section("scope walk")
    for name, by_persona in totals.items():
        detail = ", ".join(f"{p} {n}" for p, n in by_persona.items())
        terminalreporter.write_line(f"{name}: {detail}")
    terminalreporter.write_line(f"scope walk tests skipped: {skipped}")
