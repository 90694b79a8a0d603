from django.urls import path

from portal.views import audit, policy, users

app_name = "manage"

urlpatterns = [
    path("users/", users.UserListView.as_view(), name="user_list"),
    path("users/new/", users.UserCreateView.as_view(), name="user_create"),
    path("users/<int:pk>/", users.UserDetailView.as_view(), name="user_detail"),
    path("users/<int:pk>/edit/", users.UserUpdateView.as_view(), name="user_update"),
    path("users/<int:pk>/deactivate/", users.UserDeactivateView.as_view(), name="user_deactivate"),
    path("users/<int:pk>/reactivate/", users.UserReactivateView.as_view(), name="user_reactivate"),
    path("users/<int:pk>/password/", users.UserPasswordView.as_view(), name="user_password"),
    path("users/<int:pk>/roles/new/", users.RoleAssignmentCreateView.as_view(), name="role_create"),
    path("roles/<int:pk>/end/", users.RoleAssignmentEndView.as_view(), name="role_end"),
    path("roles/<int:pk>/remove/", users.RoleAssignmentDeleteView.as_view(), name="role_delete"),
    path("policy/", policy.PolicyListView.as_view(), name="policy_list"),
    path("policy/new/", policy.PolicyCreateView.as_view(), name="policy_create"),
    path("policy/<int:pk>/", policy.PolicyDetailView.as_view(), name="policy_detail"),
    path("policy/<int:pk>/edit/", policy.PolicyUpdateView.as_view(), name="policy_update"),
    path(
        "policy/<int:pk>/ladders/<str:kind>/",
        policy.PolicyLadderUpdateView.as_view(),
        name="policy_ladder_update",
    ),
    path("audit/", audit.AuditListView.as_view(), name="audit_list"),
    path("audit/<int:pk>/", audit.AuditDetailView.as_view(), name="audit_detail"),
]
