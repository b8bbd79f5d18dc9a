from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("treffen/", views.meeting_list, name="meeting_list"),
    path("treffen/<slug:slug>/", views.meeting_detail, name="meeting_detail"),
]
