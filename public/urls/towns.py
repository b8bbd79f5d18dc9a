from django.urls import path, re_path
from django.views.decorators.http import require_safe

from core.exports import FORMAT_PATTERN
from public.views import towns as views

app_name = "cities"

urlpatterns = [
    path("staedte/", require_safe(views.city_list), name="city_list"),
    re_path(rf"^staedte/{FORMAT_PATTERN}", require_safe(views.city_export), name="city_export"),
    path("laender/", require_safe(views.state_list), name="state_list"),
    path("staedte/<slug:slug>/", require_safe(views.city_detail), name="city_detail"),
    path("laender/<slug:slug>/", require_safe(views.state_detail), name="state_detail"),
]
