"""The files that make the portal installable: compose, Makefile, README, CI."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_compose_runs_the_production_shape():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "db", "redis"}
    assert "gunicorn" in (ROOT / "Dockerfile").read_text()
    assert services["worker"]["command"][:4] == ["celery", "-A", "portal", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "portal", "beat"]
    assert services["db"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")


def test_the_readme_gives_the_two_commands_and_the_makefile_has_them():
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "make run" in readme and "make test" in readme
    assert "\nrun:" in makefile and "\ntest:" in makefile


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
    assert "apt-get update" in ci
    assert "pg_ctlcluster" in ci and "redis-server" in ci


def test_ci_replays_the_date_sensitive_tests_on_four_days_after_the_suite():
    ci = (ROOT / ".ci" / "run").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert ci.index("\nmake test\n") < ci.index("\nmake test-dates\n")
    assert "\ntest-dates:" in makefile and "--today=$(TEST_DATES)" in makefile
    dates = next(line for line in makefile.splitlines() if line.startswith("TEST_DATES"))
    for day in ("-01-01", "2028-02-29", "-06-30", "-12-31"):
        assert day in dates
    for folder in ("funding", "evaluations", "inspections", "talent", "stations"):
        assert f"tests/{folder}" in makefile
    assert "tests/*/test_demo.py" in makefile
    assert "make test-dates" in (ROOT / "README.md").read_text()
