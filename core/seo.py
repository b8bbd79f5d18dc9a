"""schema.org descriptions of our pages, for search engines (JSON-LD)."""

from django.http import HttpRequest

from core.dates import iso_period


def _url(request: HttpRequest, obj) -> str:
    return request.build_absolute_uri(obj.get_absolute_url())


def city_jsonld(request: HttpRequest, city) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": f"Engagierte Stadt {city.official_name}",
        "url": _url(request, city),
        "areaServed": {
            "@type": "City",
            "name": city.official_name,
            "containedInPlace": {"@type": "State", "name": city.state.name},
        },
        "memberOf": {"@type": "Organization", "name": "Netzwerkprogramm Engagierte Stadt"},
    }
    if city.latitude is not None and city.longitude is not None:
        data["areaServed"]["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(city.latitude),
            "longitude": float(city.longitude),
        }
    if city.website:
        data["sameAs"] = [city.website]
    if city.description:
        data["description"] = city.description
    return data


def network_jsonld(request: HttpRequest, network, members) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": network.name,
        "url": _url(request, network),
        "member": [
            {"@type": "Organization", "name": f"Engagierte Stadt {m.city.official_name}", "url": _url(request, m.city)}
            for m in members
        ],
    }
    if network.description:
        data["description"] = network.description
    if network.started_on:
        data["foundingDate"] = network.started_on.isoformat()
    if network.host:
        data["parentOrganization"] = {"@type": "Organization", "name": network.host.name}
    return data


EVENT_STATUS = {
    "planned": "https://schema.org/EventScheduled",
    "held": "https://schema.org/EventScheduled",
    "cancelled": "https://schema.org/EventCancelled",
}
ATTENDANCE_MODE = {
    "in_person": "https://schema.org/OfflineEventAttendanceMode",
    "digital": "https://schema.org/OnlineEventAttendanceMode",
    "hybrid": "https://schema.org/MixedEventAttendanceMode",
}


def meeting_jsonld(request: HttpRequest, meeting) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": meeting.title,
        "url": _url(request, meeting),
        "eventStatus": EVENT_STATUS[meeting.status],
        "organizer": [
            {"@type": "Organization", "name": n.name, "url": _url(request, n)} for n in meeting.networks.all()
        ],
    }
    if meeting.format in ATTENDANCE_MODE:  # no attendance mode when no source gives the format
        data["eventAttendanceMode"] = ATTENDANCE_MODE[meeting.format]
    if meeting.starts_on and meeting.date_precision == "day":
        data["startDate"] = meeting.starts_on.isoformat()
        data["endDate"] = (meeting.ends_on or meeting.starts_on).isoformat()
    elif meeting.starts_on:
        data["startDate"] = iso_period(meeting.starts_on, meeting.date_precision)
    if meeting.format == "digital":
        data["location"] = {"@type": "VirtualLocation", "name": "Videokonferenz"}
    elif meeting.place_display:
        data["location"] = {"@type": "Place", "name": meeting.place_display}
    if meeting.description:
        data["description"] = meeting.description
    return data
