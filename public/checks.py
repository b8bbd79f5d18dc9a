"""System checks of the public site: `manage.py check --deploy` names what a real operation still lacks."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

REQUIRED_OPERATOR_FIELDS = {"name": "OPERATOR_NAME", "address": "OPERATOR_ADDRESS", "email": "OPERATOR_EMAIL"}


@register(Tags.compatibility, deploy=True)
def operator_named(app_configs, **kwargs):
    """The Impressum must name the operator with address and e-mail (§ 5 DDG)."""
    operator = getattr(settings, "SITE_OPERATOR", {})
    missing = [variable for field, variable in REQUIRED_OPERATOR_FIELDS.items() if not operator.get(field)]
    if not missing:
        return []
    return [
        Warning(
            "Das Impressum nennt den Betreiber noch nicht vollständig.",
            hint=f"Bitte setzen: {', '.join(missing)} (README „Running it for real“).",
            id="public.W001",
        )
    ]
