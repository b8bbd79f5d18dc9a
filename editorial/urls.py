"""The spokespersons' editorial area under /redaktion/ (names in the namespace "editorial")."""

from django.urls import path

from editorial import views

app_name = "editorial"

urlpatterns = [
    path("", views.home, name="home"),
    path("neues-treffen/", views.meeting_new, name="meeting_new"),
    path("treffen/<slug:slug>/", views.meeting_edit, name="meeting_edit"),
    path("treffen/<slug:slug>/bericht/", views.report, name="report"),
    path("treffen/<slug:slug>/bericht/vorschau/", views.preview, name="preview"),
    path("treffen/<slug:slug>/fotos/", views.photo_add, name="photo_add"),
    path("treffen/<slug:slug>/fotos/<int:pk>/loeschen/", views.photo_delete, name="photo_delete"),
]
