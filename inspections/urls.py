from django.urls import path

from inspections import views
from rectification import views as rectification_views

app_name = "inspections"

urlpatterns = [
    path("", views.BoardView.as_view(), name="index"),
    path("board/", views.BoardView.as_view(), name="board"),
    path("heatmap/", views.HeatmapView.as_view(), name="heatmap"),
    path("visits/", views.InspectionListView.as_view(), name="inspection_list"),
    path("visits/mine/", views.MyVisitsView.as_view(), name="my_visits"),
    path("visits/<int:pk>/", views.InspectionDetailView.as_view(), name="inspection_detail"),
    path("visits/<int:pk>/start/", views.VisitStartView.as_view(), name="visit_start"),
    path("visits/<int:pk>/answers/", views.VisitAnswersView.as_view(), name="visit_answers"),
    path("visits/<int:pk>/photos/", views.VisitPhotoView.as_view(), name="visit_photo"),
    path("visits/<int:pk>/findings/", views.VisitFindingView.as_view(), name="visit_finding"),
    path("visits/<int:pk>/sign-off/", views.VisitSignOffView.as_view(), name="visit_sign_off"),
    path(
        "visits/<int:pk>/reschedule/", views.VisitRescheduleView.as_view(), name="visit_reschedule"
    ),
    path("visits/<int:pk>/team/", views.VisitTeamView.as_view(), name="visit_team"),
    path("visits/<int:pk>/report.pdf", views.VisitPdfView.as_view(), name="visit_pdf"),
    path("photos/<int:pk>/", views.PhotoDownloadView.as_view(), name="photo_download"),
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/draw/", views.PlanDrawView.as_view(), name="plan_draw"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/add/", views.PlanAddStationView.as_view(), name="plan_add_station"),
    path("plans/<int:pk>/team/", views.PlanTeamAllView.as_view(), name="plan_team_all"),
    path("plans/<int:pk>/confirm/", views.PlanConfirmView.as_view(), name="plan_confirm"),
    path("plans/<int:pk>/export/", views.PlanExportView.as_view(), name="plan_export"),
    path("checklists/", views.ChecklistListView.as_view(), name="checklist_list"),
    path("checklists/import/", views.ChecklistImportView.as_view(), name="checklist_import"),
    path("checklists/<int:pk>/", views.ChecklistDetailView.as_view(), name="checklist_detail"),
    path(
        "checklists/<int:pk>/new-version/",
        views.ChecklistNewVersionView.as_view(),
        name="checklist_new_version",
    ),
    path(
        "checklists/<int:pk>/activate/",
        views.ChecklistActivateView.as_view(),
        name="checklist_activate",
    ),
    path("settings/", views.SettingsView.as_view(), name="settings"),
    path("campaigns/", views.CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("stations/<int:pk>/", views.StationHistoryView.as_view(), name="station_history"),
]

# Orders moved to the rectification app (/rectification/orders/...): the old addresses, in
# notifications and bookmarks, redirect there permanently; old forms still post.
_legacy = rectification_views.LegacyOrderRedirect
urlpatterns += [
    path("orders/", _legacy.as_view(), name="legacy_order_list"),
    path("orders/new/", _legacy.as_view(target="rectification:order_open", scope_action="add")),
    path("orders/<int:pk>/", _legacy.as_view(target="rectification:order_detail")),
    path("orders/<int:pk>/respond/", rectification_views.OrderRespondView.as_view()),
    path("orders/<int:pk>/verify/", rectification_views.OrderVerifyView.as_view()),
    path("evidence/<int:pk>/", rectification_views.LegacyEvidenceRedirect.as_view()),
]
