from django.urls import path

from cities import views

app_name = "cities"

urlpatterns = [
    path("staedte/", views.city_list, name="city_list"),
    path("laender/", views.state_list, name="state_list"),
    path("staedte/<slug:slug>/", views.city_detail, name="city_detail"),
    path("laender/<slug:slug>/", views.state_detail, name="state_detail"),
]
