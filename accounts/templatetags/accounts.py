"""Tags of the account pages: when a locked-out person may try again (registration/lockout.html),
and what an account looks after (the admin's start page, admin/directory_index.html)."""

from datetime import timedelta

from django import template
from django.utils import timezone

from cities.models import City
from core import permissions
from networks.models import Network

register = template.Library()


@register.filter
def minutes(delta: timedelta) -> int:
    """A duration in whole minutes: timedelta(minutes=15) → 15."""
    return round(delta.total_seconds() / 60)


@register.filter
def from_now(delta: timedelta):
    """The moment the duration is over, counted from now (rendered in local time by |time)."""
    return timezone.now() + delta


@register.simple_tag
def assignments(user) -> dict:
    """The user's roles and the towns and networks they look after, for the admin's start page."""
    return {
        "roles": permissions.roles(user),
        "cities": City.objects.filter(pk__in=permissions.coordinated_city_ids(user)).order_by("name"),
        "networks": Network.objects.filter(pk__in=permissions.spoken_network_ids(user)).order_by("name"),
        "editorial": permissions.may_use_editorial(user),
        "office": permissions.is_office(user),
    }
