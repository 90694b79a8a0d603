"""Django admin of the talent app, scoped like everything else (``portal.admin.ScopedAdmin``).

People are taken on through the portal's services (ID number check, encryption, the
full-time rule), so the admin does not add them; it shows ID numbers masked only.
"""

from django.contrib import admin

from portal import clock
from portal.admin import ScopedAdmin
from talent.models import (
    CERecord,
    Certificate,
    Employment,
    Enrolment,
    Honour,
    Registration,
    SocialWorker,
    TrainingProgramme,
    TrainingSession,
)
from talent.services import person_summary_refresh, station_staffing_refresh, stations_of_people


class StaffingKeptMixin:
    """Edits in the admin keep the per-person figures and the stations' staffing summary in
    step, as the services do (the board would otherwise count the changed stations live only
    from the next day's nightly refresh)."""

    def _people(self, objs) -> set[int]:
        return {o.pk if isinstance(o, SocialWorker) else o.person_id for o in objs}

    def _stations(self, objs) -> set[int]:
        stations = stations_of_people(self._people(objs), clock.today())
        return set(stations) | {o.station_id for o in objs if isinstance(o, Employment)}

    def _after(self, objs, stations: set[int]) -> None:
        people = list(
            SocialWorker.objects.filter(pk__in=self._people(objs)).values_list("pk", flat=True)
        )
        if people:
            person_summary_refresh(person_ids=people)
        station_staffing_refresh(station_ids=stations)

    def save_model(self, request, obj, form, change):
        before = set()
        if change and isinstance(obj, Employment):
            before = set(Employment.objects.filter(pk=obj.pk).values_list("station_id", flat=True))
        super().save_model(request, obj, form, change)
        self._after([obj], before | self._stations([obj]))

    def delete_model(self, request, obj):
        stations = self._stations([obj])
        super().delete_model(request, obj)
        self._after([obj], stations)

    def delete_queryset(self, request, queryset):
        objs = list(queryset)
        stations = self._stations(objs)
        super().delete_queryset(request, queryset)
        self._after(objs, stations)


@admin.register(SocialWorker)
class SocialWorkerAdmin(StaffingKeptMixin, ScopedAdmin):
    list_display = ["name", "id_number_masked", "highest_level", "registration_expires_on"]
    search_fields = ["name"]
    exclude = ["id_number_cipher", "id_number_hash"]
    readonly_fields = [
        "id_number_masked",
        "sex",
        "highest_level",
        "registration_starts_on",
        "registration_expires_on",
        "ce_hours",
        "ce_required",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(Employment)
class EmploymentAdmin(StaffingKeptMixin, ScopedAdmin):
    list_display = [
        "person",
        "station",
        "institution",
        "position",
        "employment_type",
        "starts_on",
        "ends_on",
    ]
    list_filter = ["position", "employment_type"]
    raw_id_fields = ["person", "station", "institution"]

    def has_add_permission(self, request):
        return False


KEEPS_FIGURES = {Certificate, Registration, CERecord}

for model, fields in (
    (Certificate, ["person", "level", "number", "year_passed"]),
    (Registration, ["person", "certificate", "starts_on", "expires_on"]),
    (CERecord, ["person", "hours", "completed_on", "source", "title"]),
    (TrainingProgramme, ["year", "kind", "title", "provider", "budget", "places"]),
    (TrainingSession, ["programme", "held_on", "topic", "hours"]),
    (Enrolment, ["programme", "person", "institution", "status", "exam_passed"]),
    (Honour, ["person", "year", "level", "kind", "title", "issuer"]),
):
    admin.site.register(
        model,
        type(
            f"{model.__name__}Admin",
            (StaffingKeptMixin, ScopedAdmin) if model in KEEPS_FIGURES else (ScopedAdmin,),
            {
                "list_display": fields,
                "raw_id_fields": [
                    f
                    for f in ("person", "certificate", "programme", "enrolment")
                    if f in [x.name for x in model._meta.fields]
                ],
            },
        ),
    )
