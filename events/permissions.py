"""What spokespersons may do with meetings, reports and photos (registered with core.permissions)."""

from django.db.models import Q

from core.permissions import ALL_ACTIONS, CHANGE, SPOKESPERSON, can, everything, in_networks, owned_ids, register


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
            "events.meetingreport.author": everything,
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
