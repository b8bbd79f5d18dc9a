"""Accounts for the people who maintain the directory: log in and out, reset or change the password.

Django's own auth views under German addresses; the templates live in templates/registration/ and
also replace the admin's versions of them (the project's template folder comes first). Failed
logins are throttled by django-axes (AXES_* in settings): its backend refuses a locked-out
username + address before any password is checked, and its middleware answers with
templates/registration/lockout.html (status 429).
"""

import hashlib
import logging

from axes.utils import reset as reset_failed_logins
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render

from accounts.tasks import send_password_reset_mail
from core import permissions
from core.clients import client_address


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
    """Django's reset view, with a cap on mails so the form cannot be used to flood a mailbox, and
    the mail sent outside the request (accounts/tasks.py).

    Every valid request gets the same "mail sent" page after the same work, whether the address
    has an account, is over the cap or not: nobody learns from the answer or its timing whether an
    address is known.
    """

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        address = hashlib.sha256(email.encode()).hexdigest()
        per_address = _count(f"password-reset:address:{address}")
        per_client = _count(f"password-reset:client:{client_address(self.request)}")
        if per_address > RESET_MAILS_PER_ADDRESS or per_client > RESET_MAILS_PER_CLIENT:
            logger.warning("Password reset mail withheld: too many requests for one address or from one client.")
        else:
            send_password_reset_mail.enqueue(
                form.cleaned_data["email"], domain=self.request.get_host(), use_https=self.request.is_secure()
            )
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    reset_url_token = "neues-passwort"

    def form_valid(self, form):
        response = super().form_valid(form)
        # The link proved access to the account's mailbox: a lockout after failed logins ends now,
        # so the lockout page's advice ("reset your password") actually lets the person back in.
        reset_failed_logins(username=form.user.get_username())
        return response
