from django.urls import path

from evaluations import views

app_name = "evaluations"

urlpatterns = [
    path("", views.EvaluationListView.as_view(), name="evaluation_list"),
    path("<int:pk>/", views.EvaluationDetailView.as_view(), name="evaluation_detail"),
    path("<int:pk>/self/save/", views.SelfSaveView.as_view(), name="self_save"),
    path("<int:pk>/self/submit/", views.SelfSubmitView.as_view(), name="self_submit"),
    path("<int:pk>/scores/", views.ScoresSaveView.as_view(), name="scores_save"),
    path("<int:pk>/complete/", views.ScoringCompleteView.as_view(), name="scoring_complete"),
    path("<int:pk>/appeal/", views.AppealFileView.as_view(), name="appeal_file"),
    path("<int:pk>/appeal/answer/", views.AppealAnswerView.as_view(), name="appeal_answer"),
    path("<int:pk>/appeal/decide/", views.AppealDecideView.as_view(), name="appeal_decide"),
    path("<int:pk>/publish/", views.PublishView.as_view(), name="publish"),
    path("<int:pk>/assign/", views.AssignView.as_view(), name="assign"),
    path("<int:pk>/report.pdf", views.ReportPdfView.as_view(), name="report_pdf"),
    path("<int:pk>/surveys/", views.SurveyLinksView.as_view(), name="survey_links"),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence_download"),
    path("cycles/", views.CycleListView.as_view(), name="cycle_list"),
    path("cycles/new/", views.CycleFormView.as_view(), name="cycle_create"),
    path("cycles/<int:pk>/", views.CycleBoardView.as_view(), name="cycle_board"),
    path("cycles/<int:pk>/edit/", views.CycleFormView.as_view(), name="cycle_edit"),
    path("cycles/<int:pk>/open/", views.CycleOpenView.as_view(), name="cycle_open"),
    path("cycles/<int:pk>/compute/", views.CycleComputeView.as_view(), name="cycle_compute"),
    path("cycles/<int:pk>/publish/", views.CyclePublishView.as_view(), name="cycle_publish"),
    path("cycles/<int:pk>/assign/", views.CycleAssignView.as_view(), name="cycle_assign"),
    path("cycles/<int:pk>/results/", views.ResultsView.as_view(), name="results"),
    path("cycles/<int:pk>/surveys/", views.SurveyOverviewView.as_view(), name="survey_overview"),
    path(
        "cycles/<int:pk>/districts/<int:district_id>/pack.pdf",
        views.DistrictPackView.as_view(),
        name="district_pack",
    ),
    path("stations/<int:pk>/", views.StationHistoryView.as_view(), name="station_history"),
    path("frameworks/", views.FrameworkListView.as_view(), name="framework_list"),
    path("frameworks/new/", views.FrameworkCreateView.as_view(), name="framework_create"),
    path("frameworks/import/", views.FrameworkImportView.as_view(), name="framework_import"),
    path("frameworks/<int:pk>/", views.FrameworkDetailView.as_view(), name="framework_detail"),
    path(
        "frameworks/<int:pk>/<slug:what>/",
        views.FrameworkActionView.as_view(),
        name="framework_action",
    ),
    path("s/<str:token>/", views.survey_answer_view, name="survey_answer"),
]
