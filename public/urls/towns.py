from django.urls import path, re_path

from core.exports import FORMAT_PATTERN
from public.views import towns as views

app_name = "cities"

urlpatterns = [
    path("staedte/", views.city_list, name="city_list"),
    re_path(rf"^staedte/{FORMAT_PATTERN}", views.city_export, name="city_export"),
    path("laender/", views.state_list, name="state_list"),
    path("staedte/<slug:slug>/", views.city_detail, name="city_detail"),
    path("laender/<slug:slug>/", views.state_detail, name="state_detail"),
]
