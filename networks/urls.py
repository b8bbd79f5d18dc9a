from django.urls import path

from networks import views

app_name = "networks"

urlpatterns = [
    path("netzwerke/", views.network_list, name="network_list"),
    path("netzwerke/<slug:slug>/", views.network_detail, name="network_detail"),
    path("mitgliedschaften/", views.membership_matrix, name="matrix"),
]
