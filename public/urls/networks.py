from django.urls import path, re_path
from django.views.decorators.http import require_safe

from core.exports import FORMAT_PATTERN
from public.views import networks as views

app_name = "networks"

urlpatterns = [
    path("netzwerke/", require_safe(views.network_list), name="network_list"),
    re_path(rf"^netzwerke/{FORMAT_PATTERN}", require_safe(views.network_export), name="network_export"),
    path("netzwerke/<slug:slug>/", require_safe(views.network_detail), name="network_detail"),
    path("mitgliedschaften/", require_safe(views.membership_matrix), name="matrix"),
    re_path(rf"^mitgliedschaften/{FORMAT_PATTERN}", require_safe(views.matrix_export), name="matrix_export"),
]
