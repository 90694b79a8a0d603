"""/healthz and the city admin's warning of periodic tasks that have not run when due."""

from __future__ import annotations

import datetime as dt

import pytest

from portal import clock
from portal.celery import app
from portal.health import HEARTBEAT_TASK
from portal.models import TaskRun
from portal.tasks import heartbeat

pytestmark = pytest.mark.django_db


def _all_periodic_ran(at: dt.datetime) -> None:
    for spec in app.conf.beat_schedule.values():
        TaskRun.objects.update_or_create(
            name=spec["task"], defaults={"last_started_at": at, "last_success_at": at}
        )


def test_with_no_worker_ever_healthz_reports_it_and_every_periodic_task_late(client):
    response = client.get("/healthz")
    assert response.status_code == 200  # the web still serves: not 503
    body = response.json()
    assert body["database"] == {"ok": True}
    assert body["worker"] == {"ok": False, "last_heartbeat": None}
    assert body["status"] == "degraded"
    assert {p["name"] for p in body["periodic"]} == set(app.conf.beat_schedule)
    assert all(p["late"] and p["last_success"] is None for p in body["periodic"])
    assert client.get("/healthz?strict=1").status_code == 503


def test_a_heartbeat_and_timely_runs_make_healthz_ok(client):
    _all_periodic_ran(clock.now() - dt.timedelta(minutes=1))
    heartbeat.apply()  # the base task class records the run
    run = TaskRun.objects.get(name=HEARTBEAT_TASK)
    assert run.last_success_at > clock.now() - dt.timedelta(seconds=30)
    body = client.get("/healthz").json()
    assert body["worker"]["ok"] is True
    assert body["worker"]["last_heartbeat"] == run.last_success_at.isoformat()
    assert [p["name"] for p in body["periodic"] if p["late"]] == []
    assert body["status"] == "ok" and body["problems"] == []
    assert client.get("/healthz?strict=1").status_code == 200


def test_a_stale_heartbeat_is_a_worker_down(client, settings):
    now = clock.now()
    stale = now - dt.timedelta(seconds=settings.HEALTH_HEARTBEAT_STALE_SECONDS + 60)
    _all_periodic_ran(now)
    TaskRun.objects.filter(name=HEARTBEAT_TASK).update(last_success_at=stale)
    body = client.get("/healthz").json()
    assert body["worker"]["ok"] is False
    assert "worker" in body["problems"]


def test_a_daily_task_is_late_only_once_its_due_time_and_grace_have_passed(client, today):
    # The clock is pinned at 10:00 Asia/Shanghai; audit pruning runs daily at 03:17.
    now = clock.now()
    _all_periodic_ran(now)
    name = "portal.tasks.prune_audit_events"
    yesterday_run = now.replace(hour=3, minute=20) - dt.timedelta(days=1)
    TaskRun.objects.filter(name=name).update(last_success_at=yesterday_run)
    late = {p["task"]: p for p in client.get("/healthz").json()["periodic"]}[name]
    assert late["late"] is True
    assert late["due_at"].startswith(f"{today.isoformat()}T03:17")

    TaskRun.objects.filter(name=name).update(last_success_at=now.replace(hour=3, minute=20))
    timely = {p["task"]: p for p in client.get("/healthz").json()["periodic"]}[name]
    assert timely["late"] is False
    assert timely["due_at"].startswith((today + dt.timedelta(days=1)).isoformat())


def test_redis_down_is_reported_without_failing_the_check(client, settings):
    from tests.portal.servers import free_port

    settings.REDIS_URL = f"redis://127.0.0.1:{free_port(range(6390, 6400))}/0"
    body = client.get("/healthz").json()
    assert body["redis"]["ok"] is False and body["redis"]["configured"] is True
    assert "redis" in body["problems"]
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz?strict=1").status_code == 503


def test_the_city_admin_home_page_warns_of_a_late_periodic_task(world, login):
    now = clock.now()
    _all_periodic_ran(now)
    name = "evaluations.tasks.open_due_cycles"
    TaskRun.objects.filter(name=name).update(last_success_at=now - dt.timedelta(days=3))
    page = login(world.city_admin).get("/")
    html = page.content.decode()
    assert "portal-late-tasks" in html and f'data-task="{name}"' in html
    assert 'data-task="portal.tasks.prune_audit_events"' not in html  # ran on time

    other = login(world.district_a_officer).get("/").content.decode()
    assert "portal-late-tasks" not in other  # only the city admin is told

    TaskRun.objects.filter(name=name).update(last_success_at=now)
    assert "portal-late-tasks" not in login(world.city_admin).get("/").content.decode()


def test_every_periodic_task_has_a_chinese_label():
    from portal.celery import PERIODIC_LABELS, app

    assert set(PERIODIC_LABELS) == set(app.conf.beat_schedule)
