from django.urls import path

from services import views

app_name = "services"

urlpatterns = [
    path("catalogue/", views.CatalogueView.as_view(), name="catalogue"),
    path("people/", views.ServiceUserListView.as_view(), name="user_list"),
    path("people/new/", views.ServiceUserCreateView.as_view(), name="user_create"),
    path("people/<int:pk>/", views.ServiceUserDetailView.as_view(), name="user_detail"),
    path("people/<int:pk>/edit/", views.ServiceUserEditView.as_view(), name="user_edit"),
    path(
        "people/<int:pk>/withdraw/", views.ServiceUserWithdrawView.as_view(), name="user_withdraw"
    ),
    path("records/", views.RecordListView.as_view(), name="record_list"),
    path("records/new/", views.RecordCreateView.as_view(), name="record_create"),
    path("records/<int:pk>/", views.RecordDetailView.as_view(), name="record_detail"),
    path("records/<int:pk>/edit/", views.RecordEditView.as_view(), name="record_edit"),
    path("records/<int:pk>/delete/", views.RecordDeleteView.as_view(), name="record_delete"),
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/action/", views.ReportActionView.as_view(), name="report_action"),
    path("targets/", views.TargetListView.as_view(), name="targets"),
    path("board/", views.BoardView.as_view(), name="board"),
]
