"""Django admin of the evaluations app: read-only views for the city admin. Edits go through
the pages and API, which run the services (frozen frameworks, windows, locks). The survey
questions are plain reference data and are edited here."""

from __future__ import annotations

from django.contrib import admin

from evaluations.models import Appeal, Cycle, Evaluation, Framework, Score, SurveyQuestion
from portal.admin import ScopedAdmin


class ReadOnlyAdmin(ScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ["code", "version", "name", "status", "frozen_at"]


@admin.register(Cycle)
class CycleAdmin(ReadOnlyAdmin):
    list_display = ["name", "service_year", "phase", "status", "opens_on"]


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["cycle", "station", "status", "total", "grade"]
    list_select_related = ["cycle", "station"]
    list_filter = ["status", "grade"]


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ["evaluation", "node", "score", "scorer"]
    list_select_related = ["evaluation", "evaluation__cycle", "evaluation__station", "node"]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["evaluation", "status", "filed_at", "decision"]


@admin.register(SurveyQuestion)
class SurveyQuestionAdmin(ScopedAdmin):
    """问卷题目: the city bureau rewords, reorders, adds or retires questions. Deleting is not
    offered: answers keep the codes of the questions they answered."""

    list_display = ["group", "sort_order", "code", "text", "is_active"]
    list_display_links = ["code", "text"]
    list_filter = ["group", "is_active"]
    list_editable = ["sort_order", "is_active"]

    def has_delete_permission(self, request, obj=None):
        return False
