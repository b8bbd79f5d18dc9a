"""What spokespersons may do with meetings, reports and photos (registered with core.permissions)."""

from django.db.models import Q

from cities.models import Person
from core.permissions import ALL_ACTIONS, CHANGE, SPOKESPERSON, can, everything, in_networks, owned_ids, register


def _authors(user) -> Q:
    """Who may be named as a report's author: the people holding (or having held) a seat in the
    user's networks, and the user's own person; a user who speaks for no network names nobody."""
    seat_holders = Person.objects.filter(seat_terms__seat__network__in=owned_ids(user, SPOKESPERSON))
    return Q(pk__in=seat_holders.values("pk")) | Q(user=user)


def _meeting_stays_own(user, meeting, m2m) -> bool:
    chosen = m2m.get("networks")
    if chosen is None:
        return can(user, CHANGE, meeting) if meeting.pk else False
    return any(network.pk in owned_ids(user, SPOKESPERSON) for network in chosen)


def register_rules() -> None:
    active = lambda user: Q(active=True)  # noqa: E731
    register(
        grants={
            "events.meeting": [(in_networks("networks"), ALL_ACTIONS)],
            "events.meetingreport": [(in_networks("meeting__networks"), ALL_ACTIONS)],
            "events.meetingphoto": [(in_networks("report__meeting__networks"), ALL_ACTIONS)],
        },
        choices={
            "events.meeting.networks": in_networks("pk"),
            "events.meeting.host_cities": active,
            "events.meeting.place_city": active,
            "events.meeting.participating_cities": active,
            "events.meeting.participants": everything,
            "events.meetingreport.meeting": in_networks("networks"),
            "events.meetingreport.author": _authors,
        },
        ownership={
            "events.meeting": _meeting_stays_own,
            "events.meetingreport": lambda user, report, m2m: (
                report.meeting_id is not None and can(user, CHANGE, report.meeting)
            ),
            "events.meetingphoto": lambda user, photo, m2m: (
                photo.report_id is not None and can(user, CHANGE, photo.report)
            ),
        },
    )
