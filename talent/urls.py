from django.urls import path

from talent import views

app_name = "talent"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("people/", views.WorkerListView.as_view(), name="worker_list"),
    path("people/lookup/", views.WorkerLookupView.as_view(), name="worker_lookup"),
    path("people/search/", views.PersonSearchView.as_view(), name="person_search"),
    path("people/new/", views.WorkerHireView.as_view(), name="worker_hire"),
    path("people/<int:pk>/", views.WorkerDetailView.as_view(), name="worker_detail"),
    path("people/<int:pk>/unmask/", views.WorkerUnmaskView.as_view(), name="worker_unmask"),
    path("people/<int:pk>/edit/", views.WorkerUpdateView.as_view(), name="worker_update"),
    path(
        "people/<int:pk>/employments/new/", views.EmploymentAddView.as_view(), name="employment_add"
    ),
    path("employments/<int:pk>/end/", views.EmploymentEndView.as_view(), name="employment_end"),
    path(
        "people/<int:pk>/certificates/new/",
        views.CertificateAddView.as_view(),
        name="certificate_add",
    ),
    path(
        "people/<int:pk>/registrations/new/",
        views.RegistrationAddView.as_view(),
        name="registration_add",
    ),
    path(
        "registrations/<int:pk>/renew/",
        views.RegistrationRenewView.as_view(),
        name="registration_renew",
    ),
    path("people/<int:pk>/ce/new/", views.CERecordAddView.as_view(), name="ce_add"),
    path("people/<int:pk>/honours/new/", views.HonourAddView.as_view(), name="honour_add"),
    path("board/", views.BoardView.as_view(), name="board"),
    path("figures/", views.FiguresView.as_view(), name="figures"),
    path("programmes/", views.ProgrammeListView.as_view(), name="programme_list"),
    path("programmes/new/", views.ProgrammeCreateView.as_view(), name="programme_create"),
    path("programmes/<int:pk>/", views.ProgrammeDetailView.as_view(), name="programme_detail"),
    path("programmes/<int:pk>/sessions/new/", views.SessionAddView.as_view(), name="session_add"),
    path("programmes/<int:pk>/enrol/", views.EnrolView.as_view(), name="enrol"),
    path("sessions/<int:pk>/attendance/", views.AttendanceView.as_view(), name="attendance"),
    path("enrolments/<int:pk>/complete/", views.CompleteView.as_view(), name="complete"),
    path("import/", views.RosterImportView.as_view(), name="roster_import"),
    path("import/template/", views.RosterTemplateView.as_view(), name="roster_template"),
]
