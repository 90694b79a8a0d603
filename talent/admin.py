"""Django admin of the talent app, scoped like everything else (``portal.admin.ScopedAdmin``).

People are taken on through the portal's services (ID number check, encryption, the
full-time rule), so the admin does not add them; it shows ID numbers masked only.
"""

from django.contrib import admin

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


@admin.register(SocialWorker)
class SocialWorkerAdmin(ScopedAdmin):
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
class EmploymentAdmin(ScopedAdmin):
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
            (ScopedAdmin,),
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
