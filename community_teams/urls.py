from django.urls import path

from community_teams import views

urlpatterns = [
    path("", views.home, name="team_home"),
    path("province/", views.province, name="team_province"),
    path("hamlets/<id:hamlet_id>/", views.hamlet, name="team_hamlet"),
    path(
        "hamlets/<id:hamlet_id>/households/new/",
        views.household_new,
        name="team_household_new",
    ),
    path(
        "hamlets/<id:hamlet_id>/checklist.pdf",
        views.checklist,
        name="team_checklist",
    ),
    path(
        "hamlets/<id:hamlet_id>/paper/",
        views.paper_entry,
        name="team_paper_entry",
    ),
    path(
        "hamlets/<id:hamlet_id>/checks/",
        views.hamlet_checks,
        name="team_hamlet_checks",
    ),
    path("households/<id:household_id>/", views.household, name="team_household"),
    path(
        "residents/<id:resident_id>/erase/",
        views.resident_erase,
        name="team_resident_erase",
    ),
    path("households/<id:household_id>/visit/", views.visit_new, name="team_visit_new"),
    path("hamlets/<id:hamlet_id>/phone/", views.phone, name="team_phone"),
    path("hamlets/<id:hamlet_id>/roster.json", views.roster, name="team_roster"),
    path(
        "hamlets/<id:hamlet_id>/phone/offline/",
        views.phone_offline,
        name="team_phone_offline",
    ),
    path("my-visits/", views.my_visits, name="team_my_visits"),
    path("review/", views.review, name="team_review"),
    path("<id:team_id>/poster/<id:hamlet_id>/", views.poster, name="team_poster"),
    path("join/<str:token>/", views.join, name="team_join"),
    path("api/sync/", views.sync, name="team_sync"),
    path("api/visits/<uuid:visit_uuid>/", views.visit_put, name="team_visit_put"),
    path(
        "api/households/<uuid:household_uuid>/",
        views.household_put,
        name="team_household_put",
    ),
    path(
        "api/household-changes/<uuid:change_uuid>/",
        views.household_change_put,
        name="team_household_change_put",
    ),
]
