from django.urls import path, re_path

from core.exports import FORMAT_PATTERN
from public.views import networks as views

app_name = "networks"

urlpatterns = [
    path("netzwerke/", views.network_list, name="network_list"),
    re_path(rf"^netzwerke/{FORMAT_PATTERN}", views.network_export, name="network_export"),
    path("netzwerke/<slug:slug>/", views.network_detail, name="network_detail"),
    path("mitgliedschaften/", views.membership_matrix, name="matrix"),
    re_path(rf"^mitgliedschaften/{FORMAT_PATTERN}", views.matrix_export, name="matrix_export"),
]
