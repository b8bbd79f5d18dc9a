"""The login backend: django-axes' throttling (settings.AUTHENTICATION_BACKENDS)."""

from axes.backends import AxesStandaloneBackend


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
