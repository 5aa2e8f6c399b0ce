from django.urls import path

from privacy import views

urlpatterns = [
    path("", views.my_data, name="my_data"),
    path("download.json", views.my_data_json, name="my_data_json"),
    path("download.pdf", views.my_data_pdf, name="my_data_pdf"),
    path("withdraw/", views.my_data_withdraw, name="my_data_withdraw"),
    path("delete/", views.my_account_delete, name="my_account_delete"),
]
