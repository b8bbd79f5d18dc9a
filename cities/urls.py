from django.urls import path, re_path

from cities import views
from engagiert.exports import FORMAT_PATTERN

app_name = "cities"

urlpatterns = [
    path("staedte/", views.city_list, name="city_list"),
    re_path(rf"^staedte/{FORMAT_PATTERN}", views.city_export, name="city_export"),
    path("laender/", views.state_list, name="state_list"),
    path("staedte/<slug:slug>/", views.city_detail, name="city_detail"),
    path("laender/<slug:slug>/", views.state_detail, name="state_detail"),
]
