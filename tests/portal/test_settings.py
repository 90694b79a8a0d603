"""Production settings pass Django's deployment checklist; the portal runs in Shanghai time."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _run(args, **extra_env):
    # Production runs on the real clock: PORTAL_TODAY (the tests' pinned date) is refused there.
    dev_only = {"DEBUG", "PORTAL_DEV", "PORTAL_TODAY"}
    env = {k: v for k, v in os.environ.items() if k not in dev_only}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _production_env():
    from cryptography.fernet import Fernet

    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "portal.example.org",
        "DEBUG": "0",
        "PORTAL_FIELD_KEYS": Fernet.generate_key().decode(),
        "PORTAL_HASH_KEY": secrets.token_urlsafe(32),
    }


def test_check_deploy_prints_no_warnings_with_production_settings():
    result = _run(["check", "--deploy"], **_production_env())
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _run(["check"], **(_production_env() | {"SECRET_KEY": ""}))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_the_personal_data_keys():
    result = _run(["check"], **(_production_env() | {"PORTAL_FIELD_KEYS": ""}))
    assert result.returncode != 0
    assert "PORTAL_FIELD_KEYS and PORTAL_HASH_KEY must be set" in result.stderr


def test_time_zone_and_language_defaults():
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert ("en", "English") in settings.LANGUAGES


def test_the_demo_defaults_need_no_server(tmp_path):
    code = (
        "from django.conf import settings;"
        "print(settings.DATABASES['default']['ENGINE']);print(settings.CELERY_BROKER_URL)"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}
    }
    env.update(
        PORTAL_DEV="1",
        DEBUG="1",
        PORTAL_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    out = subprocess.run(
        [sys.executable, "-c", "import django;django.setup();" + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    engine, broker = out.stdout.split()
    assert engine.endswith("sqlite3")
    assert broker == "filesystem://"
    assert (tmp_path / "celery-broker" / "out").is_dir()


def test_the_openapi_schema_validates_without_a_single_warning(tmp_path):
    out = tmp_path / "schema.yaml"
    result = _run(
        ["spectacular", "--validate", "--fail-on-warn", "--file", str(out)], PORTAL_DEV="1"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "/api/v1/stations/" in out.read_text()


@pytest.mark.django_db
def test_a_production_start_creates_no_accounts():
    # The test database is built by the migrations alone, as `migrate` on a production server
    # does; only `manage.py demo` creates the demo accounts.
    from portal.models import User

    assert not User.objects.exists()


def test_production_refuses_a_pinned_clock():
    result = _run(["check"], **_production_env(), PORTAL_TODAY="2027-01-01")
    assert result.returncode != 0
    assert "PORTAL_TODAY is for development and tests only" in result.stderr
