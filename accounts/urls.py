"""Log in and out, reset and change the password: /anmelden/, /abmelden/, /passwort-…/"""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts.views import LogoutView, PasswordResetConfirmView, PasswordResetView, start

urlpatterns = [
    path("anmelden/", auth_views.LoginView.as_view(), name="login"),
    path("abmelden/", LogoutView.as_view(), name="logout"),
    path("anmelden/weiter/", start, name="start"),
    path("passwort-aendern/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("passwort-aendern/fertig/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("passwort-vergessen/", PasswordResetView.as_view(), name="password_reset"),
    path("passwort-vergessen/gesendet/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("passwort-vergessen/fertig/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path(
        "passwort-vergessen/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
]
