"""Private servers for fault tests: a Redis the test may kill or freeze, gunicorn, Celery.

Never the shared Redis or PostgreSQL: a test kills and freezes only what it started here.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port(candidates) -> int:
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"no free port among {list(candidates)}")


def wait_for_port(port: int, seconds: float = 30, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            output = proc.stdout.read().decode() if proc.stdout else ""
            pytest.fail(f"{proc.args[:3]} exited: {output}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    pytest.fail(f"nothing listens on {port} after {seconds} s")


class PrivateRedis:
    """``redis-server`` on a port of its own (6390-6399), no persistence."""

    def __init__(self) -> None:
        self.port = free_port(range(6390, 6400))
        self.proc: subprocess.Popen | None = None
        self.frozen = False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, 10, self.proc)
        self.frozen = False

    def kill(self) -> None:
        self.thaw()
        self.proc.kill()
        self.proc.wait(10)

    def freeze(self) -> None:
        os.kill(self.proc.pid, signal.SIGSTOP)
        self.frozen = True

    def thaw(self) -> None:
        if self.frozen:
            os.kill(self.proc.pid, signal.SIGCONT)
            self.frozen = False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.kill()


def server_env(redis: PrivateRedis, **extra: str) -> dict[str, str]:
    """The environment of a server or worker started by a test: the test database, the private
    Redis, and the test's pinned day (``PORTAL_TODAY``, set by tests/conftest.py)."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "REDIS_URL": redis.url,
        "CELERY_BROKER_URL": redis.url,
        "PORTAL_DEV": "1",
        "SECURE_SSL_REDIRECT": "0",
        "PORTAL_PLAIN_STATIC": "1",
        "SECURE_COOKIES": "0",
        "DB_CONN_MAX_AGE": "0",
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    env.update(extra)
    return env


def start_gunicorn(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port(range(8640, 8650))
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "portal.wsgi", "-b", f"127.0.0.1:{port}"),
            *("-w", "2", "--timeout", "30", "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    wait_for_port(port, 60, proc)
    return proc, f"http://127.0.0.1:{port}"


def start_worker(env: dict[str, str], *extra: str, pool: str = "solo") -> subprocess.Popen:
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", pool),
            *("--concurrency", "1", "--without-mingle", "--without-gossip", "-l", "warning"),
            *extra,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def stop(proc: subprocess.Popen | None) -> str:
    """Stop a process this test started; return what it printed."""
    if proc is None:
        return ""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    return proc.stdout.read().decode(errors="replace") if proc.stdout else ""


class Browser:
    """A cookie-keeping HTTP client for a live server (urllib; no redirects followed)."""

    def __init__(self, base: str, session_key: str | None = None) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        if session_key:
            self.jar.set_cookie(_cookie("sessionid", session_key))

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, path: str, data: dict | None = None, timeout: float = 60):
        """(status, body text, seconds taken)."""
        body = None
        headers = {"Accept-Language": "zh-hans"}
        if data is not None:
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf(), **data}).encode()
            headers["X-CSRFToken"] = self.csrf()
        req = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        started = time.monotonic()
        try:
            with self.opener.open(req, timeout=timeout) as response:
                status, text = response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
        return status, text, time.monotonic() - started


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _cookie(name: str, value: str) -> http.cookiejar.Cookie:
    return http.cookiejar.Cookie(
        0,
        name,
        value,
        None,
        False,
        "127.0.0.1",
        False,
        False,
        "/",
        True,
        False,
        None,
        True,
        None,
        None,
        {},
    )
