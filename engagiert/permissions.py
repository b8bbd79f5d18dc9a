"""Who may do what: the one place that decides.

The admin (through `engagiert.admin.DirectoryAdmin`) and the editorial area
/redaktion/ ask only these functions; no view or template decides on its own.

Roles
    Programme office: superusers and members of the group „Programmbüro“. All rights.
    Coordinator: assigned to towns (`cities.CityCoordinator`). Edits those towns,
        and the people and organisations of those towns, in the admin.
    Spokesperson: for networks where the user's person holds a current seat, or
        where the office assigned the user as editor (`networks.NetworkEditor`).
        Edits the networks' memberships (admin) and meetings, reports and photos
        (/redaktion/ and admin).
One account can hold several roles; the rights add up.

Every right is a grant: a filter that selects the rows a role owns, and the
actions allowed on them. What is not granted is refused.
"""

from __future__ import annotations

import datetime

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ALL_ACTIONS = frozenset({VIEW, ADD, CHANGE, DELETE})
OFFICE_GROUP = "Programmbüro"


# --- who the user is ---------------------------------------------------------------------------


def _cached(user, name, compute):
    key = f"_permissions_{name}"
    if not hasattr(user, key):
        setattr(user, key, compute())
    return getattr(user, key)


def is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_office(user) -> bool:
    if not is_signed_in(user):
        return False
    if user.is_superuser:
        return True
    return _cached(user, "office", lambda: user.groups.filter(name=OFFICE_GROUP).exists())


def coordinated_city_ids(user) -> frozenset[int]:
    if not is_signed_in(user):
        return frozenset()
    from cities.models import CityCoordinator

    return _cached(
        user,
        "cities",
        lambda: frozenset(CityCoordinator.objects.filter(user=user).values_list("city_id", flat=True)),
    )


def _running_terms(today: datetime.date | None = None) -> Q:
    """Seat terms that run today: elected (or without a known election date) and not ended."""
    day = today or timezone.localdate()
    elected = Q(elected_on__isnull=True) | Q(elected_on__lte=day)
    running = Q(term_ends_on__isnull=True) | Q(term_ends_on__gte=day)
    return elected & running


def spoken_network_ids(user, today: datetime.date | None = None) -> frozenset[int]:
    """Networks the user speaks for: a current seat held by the user's person, or an editor assignment."""
    if not is_signed_in(user):
        return frozenset()
    from networks.models import NetworkEditor, SeatTerm

    def compute():
        seats = SeatTerm.objects.filter(person__user=user).filter(_running_terms(today))
        return frozenset(seats.values_list("seat__network_id", flat=True)) | frozenset(
            NetworkEditor.objects.filter(user=user).values_list("network_id", flat=True)
        )

    return _cached(user, "networks", compute)


def is_coordinator(user) -> bool:
    return bool(coordinated_city_ids(user))


def is_spokesperson(user) -> bool:
    return bool(spoken_network_ids(user))


def roles(user) -> list[str]:
    """The German names of the user's roles, for the page header and the admin."""
    return _role_names(is_office(user), is_coordinator(user), is_spokesperson(user))


def _role_names(office: bool, coordinator: bool, spokesperson: bool) -> list[str]:
    held = (("Programmbüro", office), ("Koordination", coordinator), ("Sprecherrat", spokesperson))
    return [name for name, has_role in held if has_role]


def with_roles(users: QuerySet) -> QuerySet:
    """Users annotated with what `role_names()` needs: the rules of `roles()`, for a whole list in one query."""
    from django.contrib.auth.models import Group
    from django.db.models import Exists, OuterRef

    from cities.models import CityCoordinator
    from networks.models import NetworkEditor, SeatTerm

    account = OuterRef("pk")
    return users.annotate(
        office_member=Exists(Group.objects.filter(name=OFFICE_GROUP, user=account)),
        coordinates=Exists(CityCoordinator.objects.filter(user=account)),
        edits=Exists(NetworkEditor.objects.filter(user=account)),
        holds_seat=Exists(SeatTerm.objects.filter(_running_terms(), person__user=account)),
    )


def role_names(user) -> list[str]:
    """`roles()` for a user from `with_roles()`, without further queries."""
    if not (user.is_active and user.is_authenticated):
        return []
    return _role_names(user.is_superuser or user.office_member, user.coordinates, user.edits or user.holds_seat)


def start_page(user) -> str:
    """The URL name where a user lands after logging in: the part of the site their roles work in."""
    if is_office(user) or is_coordinator(user):
        return "admin:index" if user.is_staff else "home"
    if is_spokesperson(user):
        return "events:editorial_home"
    return "admin:index" if user.is_staff else "home"


def may_use_editorial(user) -> bool:
    """/redaktion/ is for spokespersons and the office."""
    return is_office(user) or is_spokesperson(user)


# --- grants ------------------------------------------------------------------------------------
#
# For each model: (filter for the owned rows, actions on them) for non-office users.
# A filter is a function of the user returning a Q object; ADD means the user may
# create rows that, once saved, lie inside the filter.


def _in_towns(prefix: str):
    def rule(user) -> Q:
        return Q(**{f"{prefix}__in": coordinated_city_ids(user)})

    rule.basis = coordinated_city_ids
    return rule


def _in_networks(prefix: str):
    def rule(user) -> Q:
        return Q(**{f"{prefix}__in": spoken_network_ids(user)})

    rule.basis = spoken_network_ids
    return rule


_towns = _in_towns("pk")


def _any_role(user) -> Q:
    """Every coordinator and spokesperson sees the Länder (their forms pick from them)."""
    return Q() if _any_role.basis(user) else Q(pk__in=[])


_any_role.basis = lambda user: is_coordinator(user) or is_spokesperson(user)


def _everything(user) -> Q:
    return Q()


GRANTS: dict[str, list[tuple]] = {
    "cities.state": [(_any_role, {VIEW})],
    "cities.city": [(_towns, {VIEW, CHANGE})],
    "cities.organization": [(_in_towns("city"), ALL_ACTIONS)],
    "cities.person": [(_in_towns("city"), ALL_ACTIONS)],
    "networks.network": [(_in_networks("pk"), {VIEW})],
    "networks.subgroup": [(_in_networks("network"), {VIEW})],
    "networks.membership": [
        (_in_networks("network"), ALL_ACTIONS),
        (_in_towns("city"), {VIEW}),
    ],
    "events.meeting": [(_in_networks("networks"), ALL_ACTIONS)],
    "events.meetingreport": [(_in_networks("meeting__networks"), ALL_ACTIONS)],
    "events.meetingphoto": [(_in_networks("report__meeting__networks"), ALL_ACTIONS)],
}

# Fields a non-office user may see but not change, although they may change the row.
OFFICE_ONLY_FIELDS: dict[str, list[str]] = {
    "cities.city": ["slug", "kind", "state", "ags", "active", "joined_year", "wikidata_id"],
    "cities.person": ["user"],
}

# What a non-office user may pick in a form field: "app.model.field" -> filter on the target model.
# A field not listed offers nothing.
CHOICES = {
    "cities.city.state": _everything,
    "cities.city.coordinating_organization": _in_towns("city"),
    "cities.organization.city": _towns,
    "cities.organization.state": _everything,
    "cities.person.city": _towns,
    "cities.person.organization": _in_towns("city"),
    "networks.membership.city": lambda user: Q(active=True),
    "networks.membership.network": _in_networks("pk"),
    "networks.membership.subgroup": _in_networks("network"),
    "events.meeting.networks": _in_networks("pk"),
    "events.meeting.host_cities": lambda user: Q(active=True),
    "events.meeting.place_city": lambda user: Q(active=True),
    "events.meeting.participating_cities": lambda user: Q(active=True),
    "events.meeting.participants": _everything,
    "events.meetingreport.meeting": _in_networks("networks"),
    "events.meetingreport.author": _everything,
}


def _label(model) -> str:
    return model._meta.label_lower


def _grants(user, model, action: str) -> list:
    return [rule for rule, actions in GRANTS.get(_label(model), []) if action in actions]


def _grant_filter(user, model, action: str) -> Q | None:
    rules = _grants(user, model, action)
    if not rules:
        return None
    combined = Q(pk__in=[])
    for rule in rules:
        combined |= rule(user)
    return combined


def _office_may(user, model, action: str) -> bool:
    """Superusers may everything; members of the office group as far as Django's permissions reach."""
    if user.is_superuser:
        return True
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")


# --- the questions -----------------------------------------------------------------------------


def scope(user, queryset: QuerySet, action: str = VIEW) -> QuerySet:
    """The rows of `queryset` the user may act on."""
    model = queryset.model
    if is_office(user):
        return queryset if _office_may(user, model, action) else queryset.none()
    if not is_signed_in(user):
        return queryset.none()
    condition = _grant_filter(user, model, action)
    if condition is None:
        return queryset.none()
    # Filters through many-to-many relations can repeat rows; select by primary key instead.
    return queryset.filter(pk__in=model._base_manager.filter(condition).values("pk"))


def can(user, action: str, target) -> bool:
    """May the user perform `action` on `target`, a model instance or, for "in general", a model class?"""
    model = target if isinstance(target, type) else type(target)
    if is_office(user):
        return _office_may(user, model, action)
    if not is_signed_in(user):
        return False
    condition = _grant_filter(user, model, action)
    if condition is None:
        return False
    if isinstance(target, type) or target.pk is None:
        # "In general" (and for a row not yet saved): the user has a town or network this right
        # stems from. Answered from the cached assignments, without a query per model.
        return any(rule.basis(user) for rule in _grants(user, model, action))
    return model._base_manager.filter(condition, pk=target.pk).exists()


def may_save(user, instance: Model, m2m: dict | None = None) -> bool:
    """Would the row, with the values about to be saved, still belong to the user?

    Guards against moving an organisation to a foreign town or a meeting to a foreign network.
    `m2m` gives the chosen many-to-many values that the ownership depends on, by field name.
    """
    model = type(instance)
    if is_office(user):
        return _office_may(user, model, ADD if instance.pk is None else CHANGE)
    if not is_signed_in(user):
        return False
    label = _label(model)
    if label in {"cities.organization", "cities.person"}:
        return instance.city_id in coordinated_city_ids(user)
    if label == "cities.city":
        return instance.pk in coordinated_city_ids(user)
    if label == "networks.membership":
        return instance.network_id in spoken_network_ids(user)
    if label == "events.meeting":
        chosen = (m2m or {}).get("networks")
        if chosen is None:
            return can(user, CHANGE, instance) if instance.pk else False
        return any(network.pk in spoken_network_ids(user) for network in chosen)
    if label == "events.meetingreport":
        return instance.meeting_id is not None and can(user, CHANGE, instance.meeting)
    if label == "events.meetingphoto":
        return instance.report_id is not None and can(user, CHANGE, instance.report)
    return False


def choices(user, model, field_name: str, queryset: QuerySet) -> QuerySet:
    """The values the user may pick for `model.field_name` out of `queryset`."""
    if is_office(user):
        return queryset
    rule = CHOICES.get(f"{_label(model)}.{field_name}")
    if rule is None or not is_signed_in(user):
        return queryset.none()
    return queryset.filter(rule(user))


def may_choose(user, model, field_name: str) -> bool:
    return is_office(user) or (is_signed_in(user) and f"{_label(model)}.{field_name}" in CHOICES)


def office_only_fields(user, model) -> list[str]:
    return [] if is_office(user) else list(OFFICE_ONLY_FIELDS.get(_label(model), []))


def may_restore_history(user) -> bool:
    """Restoring earlier versions and deleted entries is the office's task."""
    return is_office(user)


def may_import(user) -> bool:
    """Importing towns and people from a CSV file (admin) is the office's task: it can overwrite many entries."""
    return is_office(user)
