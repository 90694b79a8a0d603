from django.urls import path

from portal.views import notifications

app_name = "notifications"

urlpatterns = [
    path("", notifications.NotificationListView.as_view(), name="list"),
    path("read-all/", notifications.NotificationMarkAllReadView.as_view(), name="mark_all_read"),
    path("<int:pk>/", notifications.NotificationDetailView.as_view(), name="detail"),
    path("<int:pk>/read/", notifications.NotificationMarkReadView.as_view(), name="mark_read"),
]
