"""Uploaded files leave only through scoped download views (portal.files), never /media/."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluations import services as evaluation_services
from evaluations.choices import Phase
from evaluations.models import Evaluation, Evidence, Framework
from funding import services as funding_services
from inspections import services as inspection_services
from portal import clock
from rectification import services as rectification_services
from rectification.choices import SourceKind
from rectification.models import RectificationEvidence
from tests.evaluations.conftest import dates
from tests.funding.conftest import report
from tests.inspections.conftest import make_visit

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7 receipt"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _photo(world):
    visit = make_visit(station=world.station_a1, inspector=world.inspector)
    inspection_services.inspection_start(actor=world.inspector, visit=visit)
    photo = inspection_services.inspection_photo_add(
        actor=world.inspector,
        visit=visit,
        upload=SimpleUploadedFile("p.png", PNG, "image/png"),
        caption="消防通道",
    )
    return reverse("inspections:photo_download", args=[photo.pk]), "消防通道.png", "image/png"


def _rectification_evidence(world):
    order = rectification_services.rectification_order_open(
        actor=world.city_officer,
        station=world.station_a1,
        source_kind=SourceKind.OTHER,
        source_ref="test",
        severity="minor",
        title="消防通道堆放杂物",
    )
    rectification_services.rectification_respond(
        actor=world.station_a1_manager,
        order=order,
        text="已清理",
        files=[SimpleUploadedFile("整改后照片.png", PNG, "image/png")],
    )
    evidence = RectificationEvidence.objects.get(order=order)
    return (
        reverse("rectification:evidence_download", args=[evidence.pk]),
        evidence.name,
        "image/png",
    )


def _spending_attachment(world):
    r = report(world, 2, "120000.00", status="draft")
    attachment = funding_services.attachment_add(
        actor=world.station_a1_manager,
        report=r,
        upload=SimpleUploadedFile("三月工资表 收据.pdf", PDF, "application/pdf"),
    )
    url = reverse("funding:attachment_download", args=[attachment.pk])
    return url, attachment.original_name, "application/pdf"


def _evaluation_evidence(world):
    today = clock.today()
    cycle = evaluation_services.cycle_create(
        actor=world.city_officer,
        service_year=today.year,
        phase=Phase.MIDTERM,
        framework=Framework.objects.get(code="gz-station", version=1),
        **dates(today),
    )
    evaluation_services.cycle_open(cycle_id=cycle.pk)
    evaluation = Evaluation.objects.get(cycle=cycle, station=world.station_a1)
    from evaluations.selectors import framework_tree

    leaf = framework_tree(cycle.framework).leaves_for(cycle.phase)[0]
    evaluation_services.self_assessment_save(
        actor=world.station_a1_manager,
        evaluation=evaluation,
        node_id=leaf.id,
        text="见附件",
        files=[SimpleUploadedFile("服务台账.pdf", PDF, "application/pdf")],
    )
    evidence = Evidence.objects.get(evaluation=evaluation)
    return (
        reverse("evaluations:evidence_download", args=[evidence.pk]),
        evidence.name,
        ("application/pdf"),
    )


UPLOADS = {
    "inspection photo": _photo,
    "rectification evidence": _rectification_evidence,
    "spending attachment": _spending_attachment,
    "evaluation evidence": _evaluation_evidence,
}


def _body(response, url: str) -> bytes:
    """The page without what differs by design: the CSRF token (masked anew on every answer)
    and the requested path (the language switch returns to it)."""
    body = response.content.replace(url.encode(), b"<url>")
    body = re.sub(rb'"X-CSRFToken": "[^"]+"', b"", body)
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)


def _missing(url: str) -> str:
    """The same route with an id that does not exist."""
    return re.sub(r"/\d+/$", "/987654321/", url)


@pytest.mark.parametrize("upload", list(UPLOADS))
def test_each_upload_downloads_through_its_scoped_view_as_an_attachment(world, login, upload):
    url, filename, content_type = UPLOADS[upload](world)
    response = login(world.city_officer).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    # RFC 5987: the Chinese name percent-encoded as UTF-8, no raw non-ASCII in the header.
    assert f"filename*=utf-8''{quote(filename)}" in disposition
    assert disposition.isascii()
    assert b"".join(response.streaming_content).startswith(PNG[:8] if "png" in url else b"")


@pytest.mark.parametrize("upload", list(UPLOADS))
def test_each_download_answers_a_district_b_persona_like_a_missing_file(world, login, upload):
    url, _name, _type = UPLOADS[upload](world)
    outsider = login(world.station_b1_manager)
    refused = outsider.get(url)
    missing = outsider.get(_missing(url))
    assert refused.status_code == missing.status_code == 404
    assert _body(refused, url) == _body(missing, _missing(url))
    officer_b = login(world.district_b_officer).get(url)
    assert officer_b.status_code == 404


@pytest.mark.parametrize("upload", list(UPLOADS))
def test_with_the_nginx_prefix_set_a_download_is_handed_to_nginx(world, login, settings, upload):
    settings.PORTAL_X_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    url, filename, _type = UPLOADS[upload](world)
    response = login(world.city_officer).get(url)
    assert response.status_code == 200
    redirect = response["X-Accel-Redirect"]
    assert redirect.startswith("/protected-media/") and ".." not in redirect
    stored = unquote(redirect.removeprefix("/protected-media/"))  # nginx decodes the URI
    assert (Path(settings.MEDIA_ROOT) / stored).exists()  # the path nginx will read
    assert response.content == b""  # nginx sends the body, not gunicorn
    assert f"filename*=utf-8''{quote(filename)}" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert login(world.station_b1_manager).get(url).status_code == 404


def test_media_is_not_served_as_a_folder(world, login, settings):
    url, _name, _type = _photo(world)
    stored = next(Path(settings.MEDIA_ROOT).rglob("*.png")).relative_to(settings.MEDIA_ROOT)
    client = login(world.city_officer)
    assert client.get(f"{settings.MEDIA_URL}{stored.as_posix()}").status_code == 404
    assert client.get(url).status_code == 200


def test_no_template_or_code_links_to_media_or_a_file_fields_url():
    """A link to /media/ or ``<file>.url`` would bypass the scoped views."""
    from django.apps import apps
    from django.db import models

    file_fields = {
        f.name
        for model in apps.get_models()
        for f in model._meta.get_fields()
        if isinstance(f, models.FileField)
    }
    assert file_fields  # evidence, photos, attachments
    names = "|".join(sorted(file_fields))
    url_of_file = re.compile(rf"\.(?:{names})\.url\b|\bMEDIA_URL\b|/media/")
    base = Path(settings.BASE_DIR)
    offenders = []
    for path in [*base.glob("templates/**/*.html"), *base.glob("*/templates/**/*.html")]:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if url_of_file.search(line):
                offenders.append(f"{path.relative_to(base)}:{n}")
    for app in ("portal", "stations", "evaluations", "inspections", "funding", "talent"):
        for path in (base / app).rglob("*.py"):
            if "migrations" in path.parts or path.name == "settings.py":
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(rf"\.(?:{names})\.url\b|\bMEDIA_URL\b", line):
                    offenders.append(f"{path.relative_to(base)}:{n}")
    assert offenders == []


def test_the_pattern_catches_what_it_must():
    pattern = re.compile(r"\.(?:file)\.url\b|\bMEDIA_URL\b|/media/")
    for bad in ('<a href="{{ p.file.url }}">', "{{ MEDIA_URL }}x", 'src="/media/a.png"'):
        assert pattern.search(bad)
    assert not pattern.search("{% url 'inspections:photo_download' p.pk %}")
