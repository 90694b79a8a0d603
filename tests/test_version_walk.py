"""The version walk (issue 12, "no silent overwrite anywhere"): every edit page and every API
update route of the URL resolver carries the one optimistic lock of ``portal.versioning``.

Discovery, from the live URLconf and the API router (``tests/walk.py``):

* an **API update route** is a router route answering PUT or PATCH;
* an **edit page** is a page route naming an object whose view is a form view
  (``ProcessFormView``: ``UpdateView``, ``FormView``) that changes it (``scope_action`` is not
  ``add``), or one of the hand-built edit views listed in ``FORM_PAGES`` / ``HAND_WRITTEN``.

For each, the static rule: the API viewset is a ``VersionedViewSetMixin`` over a
``VersionedModel`` and answers PATCH wherever it answers PUT; the page view is a
``VersionedFormViewMixin`` or listed (with the test that proves it). A new editable route
without the mechanism fails here.

Then the proof, on district A's samples (``tests/samples.py``), as the first insider allowed to
change the row: the page's form carries the version; posting it back with an older version
answers 409 naming who changed it and keeps the input; posting it with the current version is
accepted. The API answers an ``ETag``; a stale ``If-Match`` answers 409 with the conflict body;
the current one is accepted and answers the next ``ETag``. Every request runs in a savepoint
rolled back afterwards.
"""

from __future__ import annotations

import json

import pytest
from django import forms
from django.db import transaction
from django.test import Client
from django.views.generic.edit import ProcessFormView
from rest_framework.test import APIClient

from portal.scoping import ADD
from portal.versioning import VersionedFormViewMixin, VersionedModel, VersionedViewSetMixin
from tests.walk import bindings, insiders, kwarg_of, record, routes, view_model, walk_world

STALE_WORDS = "此记录已被"

# Edit pages built by hand (not VersionedFormViewMixin) that render a ``form`` with the
# hidden version through ``add_version_field`` and claim it with ``versioned_write``, or whose
# services claim it (funding): the walk proves them like the others.
FORM_PAGES = {
    "evaluations:cycle_edit",
    "manage:user_update",
    "manage:policy_update",
    "manage:role_end",
    "funding:budget_edit",
    "funding:report_edit",
}
# Edit routes whose form is hand-written HTML (one form per row of a page): proven by the
# named tests.
HAND_WRITTEN = {
    "evaluations:self_save": "tests/evaluations/test_versions.py",
    "inspections:visit_answers": "tests/inspections/test_versions.py",
    "evaluations:framework_action": "tests/evaluations/test_versions.py (update-node)",
}
# Form views on an object that change no field of it a user edits: creating rows under it,
# uploading to it, or a decision that its own service locks (status-checked and versioned).
NOT_EDITS: dict[str, str] = {
    # Rectification orders and responses move to rectification/ (helper "rect"); their
    # respond/verify views are actions (not form views), left to that app.
}
# API update routes left without the lock, with the reason (the report lists them).
API_WITHOUT_VERSION = {
    # ``Framework.version`` is the framework's edition (v1, v2, ...), not a lock; a draft's
    # name and note change through PATCH unguarded until the lock gets its own field name.
    "evaluationframework-detail": "Framework.version is the edition number",
}


def _editable_row(model, sample, world):
    """A row of ``model`` the insiders may change now, where the sample is locked (published,
    opened, submitted, in force): made editable, or a draft beside it."""
    from datetime import date

    from evaluations import services as evaluation_services
    from evaluations.choices import CycleStatus
    from evaluations.models import Cycle, FrameworkNode
    from funding.choices import BudgetStatus, ReportStatus
    from funding.models import Budget, SpendingReport
    from portal import clock
    from portal.models import PolicyVersion

    if model is PolicyVersion:
        row = PolicyVersion.objects.order_by("-effective_from").first()
        row.pk = None
        row.effective_from = date(clock.today().year + 2, 1, 1)
        row.name = f"{row.name}（走查草稿）"[:100]
        row.save()
        return row
    if model is Cycle:
        Cycle.objects.filter(pk=sample.pk).update(status=CycleStatus.PLANNED)
    elif model is Budget:
        Budget.objects.filter(pk=sample.pk).update(status=BudgetStatus.DRAFT)
    elif model is SpendingReport:
        SpendingReport.objects.filter(pk=sample.pk).update(status=ReportStatus.DRAFT)
    elif model is FrameworkNode:
        draft = evaluation_services.framework_new_version(
            actor=world.city_admin, framework=sample.framework
        )
        return FrameworkNode.objects.get(framework=draft, code=sample.code)
    return sample


def _url(route, world) -> str:
    binding = bindings(route, world)[0]
    name = route.kwargs[-1]
    model = kwarg_of(route, name).model
    if model is None:
        return binding.url
    sample = model._default_manager.filter(pk=binding.kwargs[name]).first()
    if sample is None:
        return binding.url
    made = world.__dict__.setdefault("_version_walk_rows", {})
    key = (model, sample.pk)
    if key not in made:
        made[key] = _editable_row(model, sample, world)
    row = made[key]
    kwargs = {k: (row.pk if v == sample.pk else v) for k, v in binding.kwargs.items()}
    return route.url(**kwargs)


def _is_edit_page(route) -> bool:
    if route.is_api or route.in_admin or not route.kwargs or route.view_class is None:
        return False
    if route.name in FORM_PAGES or route.name in HAND_WRITTEN:
        return True
    cls = route.view_class
    return issubclass(cls, ProcessFormView) and getattr(cls, "scope_action", None) != ADD


def edit_pages():
    return [r for r in routes() if _is_edit_page(r) and r.name not in NOT_EDITS]


def _writes(route) -> set[str]:
    actions = set(getattr(route.callback, "actions", None) or {})
    allowed = set(getattr(route.view_class, "http_method_names", actions))
    return {"put", "patch"} & actions & allowed


def api_update_routes():
    return [r for r in routes() if r.is_api and _writes(r) and r.name not in API_WITHOUT_VERSION]


def test_every_edit_route_carries_the_version():
    problems = []
    for route in api_update_routes():
        cls, model = route.view_class, view_model(route)
        actions = _writes(route)
        if not issubclass(cls, VersionedViewSetMixin):
            problems.append(f"{route.label}: {cls.__name__} is not a VersionedViewSetMixin")
        if model is None or not issubclass(model, VersionedModel):
            problems.append(f"{route.label}: {model} is not a VersionedModel")
        if "put" in actions and "patch" not in actions:
            problems.append(f"{route.label}: PUT without PATCH")
    for route in edit_pages():
        cls = route.view_class
        if route.name in FORM_PAGES or route.name in HAND_WRITTEN:
            continue
        if not issubclass(cls, VersionedFormViewMixin):
            problems.append(
                f"{route.label}: {cls.__name__} edits an object without VersionedFormViewMixin"
            )
    assert not problems, "\n".join(problems)
    assert api_update_routes() and edit_pages()


def _filled(field, name=""):
    """A value for a required field the form leaves empty (a reason, an end date)."""
    from django import forms

    from portal import clock
    from tests.samples import MARK

    if isinstance(field, forms.DateField):
        return clock.today()
    if isinstance(field, forms.ChoiceField):
        return next((v for v, _label in field.choices if v not in ("", None)), "")
    if isinstance(field, forms.DecimalField) or name.startswith("amount_"):
        return "0"
    if isinstance(field, forms.IntegerField | forms.FloatField):
        return "1"
    return f"{MARK}走查"


def _form_data(form) -> dict:
    """What the browser posts back for an unchanged form, required blanks filled."""
    data = {}
    for bound in form:
        value = bound.value()
        widget = bound.field.widget
        amount = isinstance(bound.field, forms.DecimalField) or bound.name.startswith("amount_")
        if value in (None, "") and (bound.field.required or amount):
            # Required blanks, and amounts (a lines form reads a blank amount as bad).
            value = _filled(bound.field, bound.name)
        if value is None or value is False:
            if getattr(widget, "input_type", "") == "checkbox":
                continue
            value = ""
        if value is True:
            value = "on"
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(getattr(v, "pk", v)) for v in value]
        elif hasattr(value, "isoformat"):
            data[bound.html_name] = value.isoformat()
        else:
            data[bound.html_name] = str(getattr(value, "pk", value))
    return data


def _in_savepoint(fn, *args):
    with transaction.atomic():
        try:
            return fn(*args)
        finally:
            transaction.set_rollback(True)


def _page_proof(route, world) -> str | None:
    url = _url(route, world)
    tried = []
    for user in insiders(world):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        page = _in_savepoint(client.get, url)
        form = (page.context or {}).get("form") if page.status_code == 200 else None
        if form is None or "version" not in form.fields:
            tried.append(f"{user.username}: {page.status_code}")
            continue
        data = _form_data(form)
        current = int(data["version"])
        stale = _in_savepoint(client.post, url, {**data, "version": current - 1})
        text = stale.content.decode()
        if stale.status_code != 409 or STALE_WORDS not in text:
            errors = stale.context["form"].errors.as_text() if stale.context else ""
            if stale.status_code == 409 and not errors:
                at = text.find("alert")
                errors = " ".join(text[at : at + 600].split())
            return f"{url} as {user.username}: a stale post answered {stale.status_code} {errors}"
        fresh = _in_savepoint(client.post, url, data)
        if fresh.status_code != 302:
            errors = fresh.context["form"].errors.as_text() if fresh.context else ""
            return f"{url} as {user.username}: a fresh post answered {fresh.status_code} {errors}"
        return None
    return f"{url}: no insider got the form with a version ({', '.join(tried)})"


def _api_proof(route, world) -> str | None:
    url = _url(route, world)
    method = "patch" if "patch" in _writes(route) else "put"
    tried = []
    for user in insiders(world):
        client = APIClient()
        client.force_authenticate(user)
        read = _in_savepoint(client.get, url)
        if read.status_code != 200:
            tried.append(f"{user.username}: GET {read.status_code}")
            continue
        tag = read.get("ETag", "")
        current = read.json().get("version")
        if tag != f'W/"{current}"':
            return f"{url}: GET answered ETag {tag!r} for version {current!r}"
        body = {k: v for k, v in read.json().items() if k != "version"}

        def send(if_match, payload, c=client):
            return getattr(c, method)(
                url, json.dumps(payload), content_type="application/json", HTTP_IF_MATCH=if_match
            )

        stale = _in_savepoint(send, f'W/"{current - 1}"', body)
        if stale.status_code in (403, 404):
            tried.append(f"{user.username}: {stale.status_code}")
            continue
        answer = (
            stale.json() if stale.get("Content-Type", "").startswith("application/json") else {}
        )
        if stale.status_code != 409 or STALE_WORDS not in str(answer.get("detail", "")):
            return (
                f"{url} as {user.username}: a stale If-Match answered {stale.status_code} {answer}"
            )
        if set(answer) != {"detail", "code"} or answer["code"] != "conflict":
            return f"{url}: the conflict body is {answer}"

        fresh = _in_savepoint(send, tag, {})
        if fresh.status_code == 400:  # the write needs its fields (funding's lines)
            fresh = _in_savepoint(send, tag, body)
        if not 200 <= fresh.status_code < 300:
            said = fresh.content[:300].decode("utf-8", "replace")
            return f"{url} as {user.username}: a fresh If-Match answered {fresh.status_code} {said}"
        after = fresh.get("ETag", "")
        if not after.startswith('W/"') or int(after[3:-1]) <= current:
            return f"{url}: after a write the ETag is {after!r} (was {tag!r})"
        return None
    return f"{url}: no insider may change it ({', '.join(tried)})"


@pytest.fixture
def world_with_samples(db, request, settings, tmp_path):
    return walk_world(request, settings, tmp_path)


def test_a_stale_write_is_refused_and_a_fresh_one_accepted_everywhere(world_with_samples, request):
    world = world_with_samples
    problems = []
    pages = [r for r in edit_pages() if r.name not in HAND_WRITTEN]
    api = api_update_routes()
    for route in pages:
        problem = _page_proof(route, world)
        if problem:
            problems.append(problem)
    for route in api:
        problem = _api_proof(route, world)
        if problem:
            problems.append(problem)
    record(request, version_walk_pages=len(pages), version_walk_api=len(api))
    assert not problems, "\n".join(problems)
