"""Work that runs outside the request (Django's tasks framework; TASKS in settings)."""

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.tasks import task


@task
def send_password_reset_mail(email: str, *, domain: str, use_https: bool) -> None:
    """Mails a reset link to every active account with this address that may reset its password.

    For an unknown address nothing is sent. The request that asked for it has long answered, with
    the same page either way, after the same work: looking up the accounts happens here.
    """
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        form.save(
            domain_override=domain,
            use_https=use_https,
            extra_email_context={"valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600},
        )
