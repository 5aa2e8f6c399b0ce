from django.urls import path

from privacy import views

urlpatterns = [
    path("", views.notice, name="privacy_notice"),
    path("consent/", views.consent, name="privacy_consent"),
    path("requests/", views.data_requests, name="data_requests"),
    path("requests/<id:request_id>/", views.data_request_detail, name="data_request"),
    path("breaches/", views.breaches, name="privacy_breaches"),
    path("breaches/<id:breach_id>/", views.breach_detail, name="privacy_breach"),
    path(
        "breaches/<id:breach_id>/notification.pdf",
        views.breach_pdf,
        name="privacy_breach_pdf",
    ),
    path("versions/<int:number>/", views.notice_version, name="privacy_notice_version"),
]
