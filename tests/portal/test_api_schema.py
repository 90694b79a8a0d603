"""Schemathesis against the live OpenAPI schema: the API answers what its schema says, never
500, for a city officer and for a station manager.

The demo data (city scale, seeded) is the dataset: every kind of row exists, with the empty
and odd values real data has. Schemathesis' own engine runs in-process against the WSGI app
(``schemathesis.openapi.from_wsgi``) with all its checks and all its phases: examples,
coverage (boundary and malformed values of every parameter), fuzzing, and stateful sequences
that create and change rows. Writes land in this test's database, which is flushed afterwards.

The engine runs its requests in a worker thread with a database connection of its own, so
the test is transactional: the demo is committed for the run and flushed at its end.

One check is widened, for a reason the schema cannot carry: ``positive_data_acceptance``
expects a request that matches the schema to be accepted, but a well-typed id can name a row
that does not exist or lies outside the caller's scope, and a well-typed transition can come
in the wrong state (approve a draft). The API refuses these with 400 and a message naming the
field, as it must; so 400 is an accepted answer to schema-valid data, and in return every
refusal must be JSON that names the field and says why in Chinese
(``refusals_name_the_field_in_chinese`` below). Schemathesis' own explanation of the check
(``st explain ST202``) suggests the same for unknown ids and cross-field rules. 500 is never
accepted, whatever the data.

Bounded for CI: ``SCHEMATHESIS_MAX_EXAMPLES`` examples per operation in the fuzzing phase
(default 5) and ``SCHEMATHESIS_MAX_TIME`` seconds per role (default 150): once the time is
spent, the remaining operations get their share of it, so every operation is still called.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
import schemathesis
from django.db import connections
from rest_framework.authtoken.models import Token
from schemathesis.engine import Status, events, from_schema
from schemathesis.transport.wsgi import WSGITransport

from stations.demo import DEFAULT_SEED, run_demo

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "5"))
MAX_TIME = int(os.environ.get("SCHEMATHESIS_MAX_TIME", "150"))
SEED = 20261015
CJK = re.compile(r"[\u4e00-\u9fff]")
# A key names a field (or a list index, or a key the caller sent in a mapping): never a
# sentence.
FIELD_NAME = re.compile(r"^[^\s\u4e00-\u9fff]{0,100}$")
ACCEPTED_FOR_VALID_DATA = ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]


def _messages(body) -> list[str]:
    if isinstance(body, str):
        return [body]
    if isinstance(body, list):
        return [m for item in body for m in _messages(item)]
    if isinstance(body, dict):
        return [m for value in body.values() for m in _messages(value)]
    return []


def _keys(body) -> list[str]:
    if isinstance(body, dict):
        return [*body, *(k for v in body.values() for k in _keys(v))]
    if isinstance(body, list):
        return [k for item in body for k in _keys(item)]
    return []


@schemathesis.check
def refusals_name_the_field_in_chinese(ctx, response, case):
    """Every 4xx is a JSON object whose keys are field names (or ``detail``/
    ``non_field_errors``) and whose messages say why in Chinese."""
    if not 400 <= response.status_code < 500:
        return None
    try:
        body = response.json()
    except Exception as exc:
        raise AssertionError(f"{response.status_code} answered without a JSON body") from exc
    if not isinstance(body, dict) or not body:
        raise AssertionError(f"{response.status_code} answered {body!r}, not an object")
    bad_keys = [k for k in _keys(body) if not FIELD_NAME.match(str(k))]
    if bad_keys:
        raise AssertionError(f"{response.status_code} keys are not field names: {body}")
    # ``"code": "conflict"`` beside ``detail`` is a word for programs, not a message (a field
    # named code has a list of messages).
    messages = _messages(
        {k: v for k, v in body.items() if not (k == "code" and isinstance(v, str))}
    )
    if not messages or not all(CJK.search(m) for m in messages):
        raise AssertionError(f"{response.status_code} without a Chinese reason: {body}")
    return None


@dataclass
class Run:
    role: str
    operations: set[str] = field(default_factory=set)
    cases: int = 0
    failures: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    seen: set = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.role}: {len(self.operations)} operations, {self.cases} cases, "
            f"failures {dict(self.failures) or 0}, errors {len(self.errors)}, "
            f"{self.seconds:.0f} s"
        )


def _fuzz(role: str, user) -> Run:
    from portal.wsgi import application

    token = Token.objects.create(user=user)
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "max-time": MAX_TIME,
            "workers": 1,
            "cache": {"enabled": False},
            "headers": {"Authorization": f"Token {token.key}"},
            "generation": {"max-examples": MAX_EXAMPLES},
            "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED_FOR_VALID_DATA}},
        }
    )
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=config)
    run = Run(role)
    started = time.monotonic()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            run.operations.add(event.recorder.label)
            run.cases += len(event.recorder.cases)
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.status == Status.FAILURE and check.failure_info is not None:
                        run.failures[check.name] += 1
                        key = (event.recorder.label, check.name)
                        if key not in run.seen and len(run.examples) < 80:
                            run.seen.add(key)
                            failure = check.failure_info.failure
                            run.examples.append(
                                f"{event.recorder.label} {check.name}: {failure.title}\n"
                                f"  {failure.message[:300]}\n  {check.failure_info.code_sample}"
                            )
        elif isinstance(event, events.NonFatalError):
            run.errors.append(f"{event.label}: {event.info.title}: {event.info.message[:300]}")
        elif isinstance(event, events.FatalError):
            raise event.exception
        elif isinstance(event, events.EngineFinished):
            run.errors += [f"after run: {f.title}" for f in event.failures]
    run.seconds = time.monotonic() - started
    token.delete()
    return run


@pytest.fixture
def _in_process_transport(monkeypatch):
    """Schemathesis 4.32 hands socket options (``max_redirects``, ``verify``, ...) to
    werkzeug's in-process client, which has no such arguments; drop them, as its own code does
    for a requests session."""
    send = WSGITransport.send

    def in_process_send(self, case, *, session=None, **kwargs):
        for name in ("max_redirects", "verify", "cert", "proxies"):
            kwargs.pop(name, None)
        try:
            return send(self, case, session=session, **kwargs)
        finally:
            if threading.current_thread() is not threading.main_thread():
                # The engine's worker thread has a connection of its own; close it, or it
                # outlives the test and the test database cannot be dropped.
                connections.close_all()

    monkeypatch.setattr(WSGITransport, "send", in_process_send)


@pytest.mark.usefixtures("_in_process_transport")
@pytest.mark.django_db(transaction=True)
def test_the_api_answers_as_its_schema_says_for_a_city_officer_and_a_station_manager(
    settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    accounts = run_demo(scale="city", seed=DEFAULT_SEED).data["accounts"]
    runs = [_fuzz("city officer", accounts["city"]), _fuzz("station manager", accounts["station"])]
    report = "\n".join(r.summary() for r in runs)
    print("\nschemathesis " + report)
    detail = "\n".join(f"[{r.role}] {line}" for r in runs for line in r.examples + r.errors)
    assert all(r.cases > 0 and len(r.operations) > 100 for r in runs), report
    assert not any(r.failures or r.errors for r in runs), f"{report}\n{detail}"
