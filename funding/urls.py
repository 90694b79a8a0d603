from django.urls import path

from funding import views

app_name = "funding"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("board/", views.BoardView.as_view(), name="board"),
    path("overview/", views.OverviewView.as_view(), name="overview"),
    path("years/<int:pk>/", views.YearDetailView.as_view(), name="year_detail"),
    path("years/<int:pk>/finalise/", views.YearFinaliseView.as_view(), name="year_finalise"),
    path("budgets/", views.BudgetListView.as_view(), name="budget_list"),
    path("budgets/new/", views.BudgetCreateView.as_view(), name="budget_create"),
    path("budgets/<int:pk>/", views.BudgetDetailView.as_view(), name="budget_detail"),
    path("budgets/<int:pk>/edit/", views.BudgetEditView.as_view(), name="budget_edit"),
    path("budgets/<int:pk>/decide/", views.BudgetDecisionView.as_view(), name="budget_decide"),
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/new/", views.ReportCreateView.as_view(), name="report_create"),
    path("reports/import/", views.ImportView.as_view(), name="report_import"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/edit/", views.ReportEditView.as_view(), name="report_edit"),
    path("reports/<int:pk>/decide/", views.ReportDecisionView.as_view(), name="report_decide"),
    path(
        "reports/<int:pk>/attachments/",
        views.AttachmentUploadView.as_view(),
        name="attachment_upload",
    ),
    path(
        "attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment_download"
    ),
    path(
        "attachments/<int:pk>/delete/",
        views.AttachmentDeleteView.as_view(),
        name="attachment_delete",
    ),
    path("resources/", views.ResourceListView.as_view(), name="resource_list"),
    path("resources/new/", views.ResourceCreateView.as_view(), name="resource_create"),
    path("resources/totals/", views.ResourceTotalsView.as_view(), name="resource_totals"),
]
