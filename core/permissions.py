"""Who may do what: the one place that decides.

The admin (through `core.admin.DirectoryAdmin`) and the editorial area
/redaktion/ ask only these functions; no view or template decides on its own. The engine
imports no app of ours: the domain apps register their roles and rules when they are ready
(cities/permissions.py, networks/permissions.py, events/permissions.py).

Roles
    Programme office: superusers and members of the group „Programmbüro“. All rights.
    Coordinator: assigned to towns (`cities.CityCoordinator`). Edits those towns,
        the people and organisations of those towns and their memberships in networks
        (not in the Bundesnetzwerk, the programme itself), in the admin.
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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import BooleanField, Exists, ExpressionWrapper, Model, OuterRef, Q, QuerySet
from django.db.models.signals import post_delete, post_save

from core.directory import directory_app_labels

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ALL_ACTIONS = frozenset({VIEW, ADD, CHANGE, DELETE})
OFFICE_GROUP = "Programmbüro"
COORDINATOR, SPOKESPERSON = "coordinator", "spokesperson"


# --- what the domain apps register (each in its AppConfig.ready) ------------------------------


@dataclass(frozen=True)
class Role:
    """A role that stems from assignments kept by a domain app.

    `owned_ids(user, today)` gives the ids of the rows the role covers (towns, networks);
    `held(account)` is a boolean expression for `with_roles()`, with `account` an OuterRef to the user.
    """

    name: str
    owned_ids: Callable[[Any, datetime.date | None], Iterable[int]]
    held: Callable[[OuterRef], Any]


ROLES: dict[str, Role] = {}
# For each model ("app.model"): (filter for the owned rows, actions on them) for non-office users.
# A filter is a function of the user returning a Q object; ADD means the user may create rows
# that, once saved, lie inside the filter.
GRANTS: dict[str, list[tuple]] = {}
# Fields a non-office user may see but not change, although they may change the row.
OFFICE_ONLY_FIELDS: dict[str, list[str]] = {}
# What a non-office user may pick in a form field: "app.model.field" -> filter on the target
# model. A field not listed offers nothing.
CHOICES: dict[str, Callable] = {}
# Would a row, with the values about to be saved, still belong to the user: "app.model" ->
# function(user, instance, m2m) -> bool.
OWNERSHIP: dict[str, Callable] = {}


def register_role(key: str, role: Role, *, assignments: type[Model] | None = None) -> None:
    """Add a role. `assignments` is the model whose rows give it (with a `user` field): the
    account's staff flag follows them (`staff_follows_roles`)."""
    ROLES[key] = role
    if assignments is not None:
        post_save.connect(_assignment_changed, sender=assignments, dispatch_uid=f"staff-{key}-save")
        post_delete.connect(_assignment_changed, sender=assignments, dispatch_uid=f"staff-{key}-delete")


def _assignment_changed(sender, instance, origin=None, **kwargs):
    # An assignment that goes with its town or network (a deletion into the Papierkorb) comes back
    # with it when restored: the account keeps its flag meanwhile.
    deleted_itself = isinstance(origin, sender) or (isinstance(origin, QuerySet) and origin.model is sender)
    if origin is None or deleted_itself:
        staff_follows_roles(instance.user)


def staff_follows_roles(user) -> None:
    """An account is staff while it is the office's or holds a role (every role works partly in the
    admin), and stops being staff when its last role goes; superusers stay staff."""
    for name in [name for name in vars(user) if name.startswith("_permissions_")]:
        delattr(user, name)  # the roles just changed
    wanted = user.is_superuser or is_office(user) or any(owned_ids(user, key) for key in ROLES)
    if user.is_staff != wanted:
        type(user).objects.filter(pk=user.pk).update(is_staff=wanted)
        user.is_staff = wanted


def register(
    *,
    grants: dict | None = None,
    office_only_fields: dict | None = None,
    choices: dict | None = None,
    ownership: dict | None = None,
) -> None:
    """Add a domain app's rules; the keys are model labels ("cities.city", "cities.city.state" for choices)."""
    GRANTS.update(grants or {})
    OFFICE_ONLY_FIELDS.update(office_only_fields or {})
    CHOICES.update(choices or {})
    OWNERSHIP.update(ownership or {})


def ensure_office_group(sender=None, using="default", **kwargs):
    """The group „Programmbüro“ holds every permission of the directory and of the user accounts.

    Runs after every migration (connected in core/apps.py), so permissions of new models reach the
    office too.
    """
    group, _ = Group.objects.using(using).get_or_create(name=OFFICE_GROUP)
    labels = [*directory_app_labels(), "engagiert", "auth", "axes"]
    group.permissions.add(*Permission.objects.using(using).filter(content_type__app_label__in=labels))


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


def owned_ids(user, role: str, today: datetime.date | None = None) -> frozenset[int]:
    """The ids of the rows the user's `role` covers (empty when the role is not registered)."""
    if not is_signed_in(user) or role not in ROLES:
        return frozenset()
    compute = lambda: frozenset(ROLES[role].owned_ids(user, today))  # noqa: E731
    return compute() if today is not None else _cached(user, role, compute)


def coordinated_city_ids(user) -> frozenset[int]:
    """The towns the user coordinates."""
    return owned_ids(user, COORDINATOR)


def spoken_network_ids(user, today: datetime.date | None = None) -> frozenset[int]:
    """Networks the user speaks for: a current seat held by the user's person, or an editor assignment."""
    return owned_ids(user, SPOKESPERSON, today)


def is_coordinator(user) -> bool:
    return bool(coordinated_city_ids(user))


def is_spokesperson(user) -> bool:
    return bool(spoken_network_ids(user))


def roles(user) -> list[str]:
    """The German names of the user's roles, for the page header and the admin."""
    held = {key: bool(owned_ids(user, key)) for key in ROLES}
    return _role_names(is_office(user), held)


def _role_names(office: bool, held: dict[str, bool]) -> list[str]:
    return (["Programmbüro"] if office else []) + [ROLES[key].name for key in ROLES if held.get(key)]


def with_roles(users: QuerySet) -> QuerySet:
    """Users annotated with what `role_names()` needs: the rules of `roles()`, for a whole list in one query."""
    account = OuterRef("pk")
    return users.annotate(
        office_member=Exists(Group.objects.filter(name=OFFICE_GROUP, user=account)),
        **{
            f"holds_{key}": ExpressionWrapper(Q(role.held(account)), output_field=BooleanField())
            for key, role in ROLES.items()
        },
    )


def role_names(user) -> list[str]:
    """`roles()` for a user from `with_roles()`, without further queries."""
    if not (user.is_active and user.is_authenticated):
        return []
    held = {key: getattr(user, f"holds_{key}") for key in ROLES}
    return _role_names(user.is_superuser or user.office_member, held)


def start_page(user) -> str:
    """The URL name where a user lands after logging in: the part of the site their roles work in."""
    if is_office(user) or is_coordinator(user):
        return "admin:index" if user.is_staff else "home"
    if is_spokesperson(user):
        return "editorial:home"
    return "admin:index" if user.is_staff else "home"


def may_use_editorial(user) -> bool:
    """/redaktion/ is for spokespersons and the office."""
    return is_office(user) or is_spokesperson(user)


# --- building blocks of the apps' rules --------------------------------------------------------


def owned_by(role: str, prefix: str):
    """A grant filter: rows whose `prefix` lies among the ids the user's `role` covers."""

    def rule(user) -> Q:
        return Q(**{f"{prefix}__in": owned_ids(user, role)})

    rule.basis = lambda user: owned_ids(user, role)
    return rule


def in_towns(prefix: str):
    return owned_by(COORDINATOR, prefix)


def in_networks(prefix: str):
    return owned_by(SPOKESPERSON, prefix)


def any_role(user) -> Q:
    """Every coordinator and spokesperson sees what their forms pick from (the Länder)."""
    return Q() if any_role.basis(user) else Q(pk__in=[])


any_role.basis = lambda user: any(owned_ids(user, key) for key in ROLES)


def everything(user) -> Q:
    return Q()


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


def _link_owner(row: Model) -> Model | None:
    """For a row of a link table Django made for a many-to-many field: the entry that declares
    the field (a network for its partners, a meeting for its participants). None for other rows."""
    declaring = row._meta.auto_created
    if not declaring:
        return None
    for field in row._meta.fields:
        if field.is_relation and field.related_model is declaring:
            return getattr(row, field.name)
    return None


def foreign_consequences(
    user, entry: Model, consequences: Callable[[Model], tuple[Iterable[Model], Iterable[Model]]]
) -> list[Model]:
    """The rows deleting `entry` would delete or unlink that the user may not change themselves;
    `consequences(entry)` names them (core.trash.consequences: rows deleted, rows unlinked).

    A deletion reaches beyond its entry: deleting an organisation empties the towns it
    coordinated and drops it from the networks it was a partner of. Whoever deletes must be
    allowed to make each of these changes; the office may make all of them. Rows outside the
    directory apps that go with the entry (its source citations) are part of it.
    """
    if is_office(user):
        return []
    deleted, unlinked = consequences(entry)
    deleted = list(deleted)
    going = {(row._meta.concrete_model, row.pk) for row in [entry, *deleted]}
    directory = directory_app_labels()
    foreign = []
    for row in deleted:
        owner = _link_owner(row)
        if owner is None and row._meta.app_label not in directory:
            continue
        if owner is None:
            allowed = can(user, DELETE, row)
        else:
            allowed = (owner._meta.concrete_model, owner.pk) in going or can(user, CHANGE, owner)
        if not allowed:
            foreign.append(owner or row)
    foreign.extend(row for row in unlinked if not can(user, CHANGE, row))
    return foreign


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
    rule = OWNERSHIP.get(_label(model))
    return bool(rule and rule(user, instance, m2m or {}))


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
