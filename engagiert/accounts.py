"""Accounts for the people who maintain the directory: log in and out, reset or change the password.

Django's own auth views under German addresses; the templates live in templates/registration/ and
also replace the admin's versions of them (the project's template folder comes first). Failed
logins are throttled by django-axes (AXES_* in settings): its backend refuses a locked-out
username + address before any password is checked, and its middleware answers with
templates/registration/lockout.html (status 429).
"""

import hashlib
import logging

from axes.backends import AxesStandaloneBackend
from axes.utils import reset as reset_failed_logins
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path

from engagiert import permissions


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' backend, except that authenticate() without a request is let through unthrottled.

    Axes raises an error when there is no request; but then there is no client to throttle either
    (the shell, the test client's login()). Every login form – ours and the admin's – passes the
    request, so every login over the web is counted and refused while locked out.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LogoutView(auth_views.LogoutView):
    """Logging out takes a POST (Django's view). A GET only shows a button for it.

    A link, a prefetching browser or another site's image tag must never log anyone out, but
    someone who types /abmelden/ should still find a way to do it.
    """

    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        return render(request, "registration/logout.html")


@login_required
def start(request):
    """Where a login without `next` leads: the admin for the office and coordinators, /redaktion/ for spokespersons."""
    return redirect(permissions.start_page(request.user))


logger = logging.getLogger(__name__)

# Reset mails per hour: for one address, and from one client address.
RESET_MAILS_PER_ADDRESS = 3
RESET_MAILS_PER_CLIENT = 10
RESET_WINDOW_SECONDS = 3600


def _count(key: str) -> int:
    """Counts one more event under `key` within the window; returns the new count."""
    if cache.add(key, 1, RESET_WINDOW_SECONDS):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, RESET_WINDOW_SECONDS)
        return 1


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset view, with a cap on mails so the form cannot be used to flood a mailbox.

    Over the cap, the visitor sees the same "mail sent" page as always (nobody learns
    whether an address has an account) and no mail goes out.
    """

    @property
    def extra_email_context(self):
        return {"valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600}

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        address = hashlib.sha256(email.encode()).hexdigest()
        per_address = _count(f"password-reset:address:{address}")
        per_client = _count(f"password-reset:client:{self.request.META.get('REMOTE_ADDR', '')}")
        if per_address > RESET_MAILS_PER_ADDRESS or per_client > RESET_MAILS_PER_CLIENT:
            logger.warning("Password reset mail withheld: too many requests for one address or from one client.")
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    reset_url_token = "neues-passwort"

    def form_valid(self, form):
        response = super().form_valid(form)
        # The link proved access to the account's mailbox: a lockout after failed logins ends now,
        # so the lockout page's advice ("reset your password") actually lets the person back in.
        reset_failed_logins(username=form.user.get_username())
        return response


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
