"""Filters for the lockout page (templates/registration/lockout.html): when may one try again."""

from datetime import timedelta

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def minutes(delta: timedelta) -> int:
    """A duration in whole minutes: timedelta(minutes=15) → 15."""
    return round(delta.total_seconds() / 60)


@register.filter
def from_now(delta: timedelta):
    """The moment the duration is over, counted from now (rendered in local time by |time)."""
    return timezone.now() + delta
