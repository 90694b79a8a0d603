from django.urls import path

from rectification import views

app_name = "rectification"

urlpatterns = [
    path("orders/", views.OrderListView.as_view(), name="order_list"),
    path("orders/new/", views.OrderOpenView.as_view(), name="order_open"),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="order_detail"),
    path("orders/<int:pk>/respond/", views.OrderRespondView.as_view(), name="order_respond"),
    path("orders/<int:pk>/verify/", views.OrderVerifyView.as_view(), name="order_verify"),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence_download"),
]
