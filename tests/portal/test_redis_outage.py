"""Redis down or frozen never breaks a request; the outbox drains once Redis is back.

A private ``redis-server`` (never the shared one) is killed and frozen (SIGSTOP) under a real
gunicorn and a real Celery worker with beat. The times printed are the figures of the issue's
note (run with ``-s`` to see them); the bound asserted is generous on purpose (a frozen Redis
used to hold a request 30 s, until gunicorn killed the worker).
"""

from __future__ import annotations

import time
import uuid

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from evaluations.models import SurveyLink
from evaluations.selectors import survey_questions
from evaluations.views import SURVEY_RATE_LIMIT
from portal.models import OutboxMessage, OutboxStatus
from rectification.models import RectificationOrder
from tests.portal.servers import (
    Browser,
    PrivateRedis,
    server_env,
    start_gunicorn,
    start_worker,
    stop,
)
from tests.samples import sample

GENEROUS = 10.0  # seconds: far under gunicorn's 30 s timeout, far over the 1.5 s socket timeout


def _dead_redis_cache() -> dict:
    from tests.portal.servers import free_port

    port = free_port(range(6390, 6400))  # nothing listens there
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.mark.django_db
def test_with_the_cache_down_the_survey_limit_still_holds_from_the_database(world, client):
    link = sample(world, SurveyLink)
    url = reverse("evaluations:survey_answer", args=[link.token])
    address = f"203.0.113.{uuid.uuid4().int % 250 + 1}"
    with override_settings(CACHES=_dead_redis_cache()):
        statuses = [
            client.post(url, {}, REMOTE_ADDR=address).status_code
            for _i in range(SURVEY_RATE_LIMIT + 2)
        ]
    # 400: the empty answer is refused with a message; then 429 once over the limit, never 500.
    assert statuses == [400] * SURVEY_RATE_LIMIT + [429, 429]


def _order_form(station_pk: int, ref: str) -> dict:
    return {
        "station": station_pk,
        "source_kind": "evaluation",
        "source_ref": ref,
        "severity": "major",
        "area": "",
        "title": f"整改事项 {ref}",
        "description": "",
    }


def _visit(officer: Browser, public: Browser, station_pk: int, link: SurveyLink, label: str):
    """Load pages and write: an order opened (e-mails to the station side), a survey answer."""
    timings = {}
    status, _text, timings["home"] = officer.request("/")
    assert status == 200, f"home page with Redis {label}: {status}"
    form_url = reverse("rectification:order_open")
    status, _text, timings["order form"] = officer.request(form_url)
    assert status == 200
    ref = f"outage-{label}"
    status, text, timings["open order"] = officer.request(form_url, _order_form(station_pk, ref))
    assert status == 302, f"opening an order with Redis {label}: {status} {text[:2000]}"
    assert RectificationOrder.objects.filter(source_ref=ref).count() == 1
    survey_url = reverse("evaluations:survey_answer", args=[link.token])
    status, _text, timings["survey page"] = public.request(survey_url)
    assert status == 200
    answers = {code: "5" for code, _title in survey_questions(link.group)}
    status, text, timings["survey answer"] = public.request(survey_url, answers)
    assert status == 200, f"survey answer with Redis {label}: {status} {text[:2000]}"
    link.refresh_from_db()
    assert link.answered_at is not None
    for name, seconds in timings.items():
        assert seconds < GENEROUS, f"{name} took {seconds:.1f} s with Redis {label}"
    return timings


def _drained(seconds: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if not OutboxMessage.objects.filter(status=OutboxStatus.PENDING).exists():
            return time.monotonic() - started
        time.sleep(0.2)
    pytest.fail(f"the outbox did not drain within {seconds} s")


@pytest.mark.postgres
@pytest.mark.tools("redis-server")
@pytest.mark.django_db(transaction=True)
def test_redis_killed_or_frozen_never_breaks_a_request_and_the_outbox_drains(world, tmp_path):
    redis = PrivateRedis()
    redis.start()
    env = server_env(
        redis,
        EMAIL_HOST="smtp.invalid",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        OUTBOX_DELIVERY_SECONDS="1",
    )
    web = worker = None
    report = []
    try:
        web, base = start_gunicorn(env)
        worker = start_worker(env, "--beat", "--schedule", str(tmp_path / "beat"))
        client = Client()
        client.force_login(world.city_officer, backend="django.contrib.auth.backends.ModelBackend")
        officer = Browser(base, client.cookies["sessionid"].value)
        station = world.station_a1.pk
        links = {}
        for label in ("up", "killed", "frozen"):
            links[label] = SurveyLink.objects.create(
                evaluation=sample(world, SurveyLink).evaluation,
                group="users",
                token=f"outage-{label}-{uuid.uuid4().hex}",
                issued_by=world.station_a1_manager,
            )

        timings = _visit(officer, Browser(base), station, links["up"], "up")
        report.append(("up", timings, _drained(60)))

        redis.kill()
        timings = _visit(officer, Browser(base), station, links["killed"], "killed")
        assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).exists()
        redis.start()
        report.append(("killed", timings, _drained(120)))

        redis.freeze()
        timings = _visit(officer, Browser(base), station, links["frozen"], "frozen")
        assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).exists()
        redis.thaw()
        report.append(("frozen", timings, _drained(120)))
    finally:
        redis.stop()
        web_log = stop(web)
        stop(worker)
    assert "Internal Server Error" not in web_log and "Traceback" not in web_log, web_log
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == (
        OutboxMessage.objects.count()
    )
    for label, timings, drain in report:
        pages = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in timings.items())
        print(f"\nRedis {label}: {pages}; outbox drained {drain:.1f} s after Redis was back")
