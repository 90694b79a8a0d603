"""No ID number reaches an error report: when something unexpected fails while a full
number is being handled (a hire on a page or the API, a roster import), the report Django
writes (500 e-mail, log, debug page) shows neither the number nor the rows holding it."""

import sys

import pytest
from django.urls import reverse
from django.views.debug import ExceptionReporter

from portal.scoping import SYSTEM
from talent import services
from tests.talent.conftest import new_id
from tests.talent.test_roster import row, workbook

pytestmark = pytest.mark.django_db


class Boom(RuntimeError):
    pass


def _explode(*args, **kwargs):
    raise Boom("unexpected")


def _report(excinfo) -> str:
    """The report Django would write for this exception, with the request it failed on: the
    traceback from the request handler in (the test's own frames are not the server's)."""
    request = None
    tb = excinfo.tb
    while tb is not None and not tb.tb_frame.f_code.co_filename.endswith(
        "django/core/handlers/exception.py"
    ):
        tb = tb.tb_next
    assert tb is not None
    start = tb
    while tb is not None:
        candidate = tb.tb_frame.f_locals.get("request")
        if candidate is not None and hasattr(candidate, "META"):
            request = getattr(candidate, "_request", candidate)
        tb = tb.tb_next
    reporter = ExceptionReporter(request, excinfo.type, excinfo.value, start)
    return reporter.get_traceback_text() + reporter.get_traceback_html()


def _check(report: str, number: str) -> None:
    assert "Boom" in report  # the report was really written
    assert number not in report
    assert number[6:14] not in report  # nor the birth date in it


def test_a_failed_hire_on_the_page_reports_no_id_number(world, login, monkeypatch):
    number = new_id()
    monkeypatch.setattr(services, "employment_add", _explode)
    client = login(world.institution_a_admin)
    with pytest.raises(Boom) as excinfo:
        client.post(
            reverse("talent:worker_hire"),
            {
                "name": "王五",
                "id_number": number,
                "station": world.station_a1.pk,
                "position": "frontline",
                "employment_type": "full_time",
                "starts_on": "2024-03-01",
            },
        )
    _check(_report(excinfo), number)


def test_a_failed_hire_through_the_api_reports_no_id_number(world, login, monkeypatch):
    number = new_id()
    monkeypatch.setattr(services, "employment_add", _explode)
    client = login(world.institution_a_admin)
    with pytest.raises(Boom) as excinfo:
        client.post(
            "/api/v1/talent/workers/",
            {
                "name": "王五",
                "id_number": number,
                "station": world.station_a1.pk,
                "position": "frontline",
                "starts_on": "2024-03-01",
            },
            content_type="application/json",
        )
    _check(_report(excinfo), number)


def test_a_failed_roster_import_reports_no_id_number(world, login, monkeypatch):
    from talent import roster

    number = new_id()
    monkeypatch.setattr(roster, "station_staffing_refresh", _explode)
    client = login(world.institution_a_admin)
    upload = workbook([row(world.station_a1, id_number=number)])
    upload.name = "roster.xlsx"
    with pytest.raises(Boom) as excinfo:
        client.post(reverse("talent:roster_import"), {"file": upload})
    _check(_report(excinfo), number)


def test_a_bad_id_number_is_named_by_field_and_rule_never_echoed(world):
    from django.core.exceptions import ValidationError

    number = new_id()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError) as excinfo:
        services.worker_hire(
            actor=SYSTEM,
            name="王五",
            id_number=wrong,
            station=world.station_a1,
            position="frontline",
            starts_on=__import__("datetime").date(2024, 3, 1),
        )
    messages = excinfo.value.message_dict["id_number"]
    assert messages == ["身份证号校验位不正确（GB 11643）。"]
    assert wrong not in str(excinfo.value) and wrong not in repr(sys.exc_info())
