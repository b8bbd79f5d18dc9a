"""Backup and restore of the whole directory: one versioned archive, restored into an empty database.

`write_backup(path)` writes a ``.tar.gz`` archive:

    manifest.json                 format version, creation time, applied migrations per app,
                                  row counts per model, sha256 and size of every other member
    data/<app>.<model>.jsonl      the rows of one table, one Django-serialised object per line
    media/<path>                  every file a file field refers to (report photos and thumbnails)

What is in: every table of the apps cities, networks, events and engagiert, including the
change history (the Historical* tables) and the Papierkorb; the user accounts with their
groups and single permissions, the groups with their permissions, and the admin's log of
changes. Role assignments (CityCoordinator, NetworkEditor, Person.user) are rows of the
directory apps and so are in as well. Primary keys are kept, so addresses and ids stay the
same. References to permissions and content types are written by natural key, because
their numbers differ between databases.

What is not in: sessions (everybody signs in again), django-axes' failed-login records,
content types and permissions themselves (``migrate`` creates them), and media files no
row refers to.

`restore_backup(path)` verifies the archive (format version, checksums, no unknown
members), that the database is migrated to the current code and that the archive was
written at the same migration state, and that the database is empty (see `is_empty`). It
then loads everything in one transaction, checks the foreign keys, puts the media files
back, resets the PostgreSQL sequences and compares the row counts with the manifest.
Any failure raises `BackupError` with a German message and leaves the database unchanged.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

import django
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.python import Serializer as PythonSerializer
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from cities.models import State
from cities.states import STATES
from core.caching import directory_changed
from core.directory import directory_app_labels
from core.models import DirectoryVersion
from core.permissions import OFFICE_GROUP
from core.trash import insert_order

FORMAT = "engagiert-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"


def directory_apps() -> tuple[str, ...]:
    """The apps whose tables the archive holds: the domain apps and core's Papierkorb ("engagiert")."""
    return (*directory_app_labels(), "engagiert")


def migration_apps() -> tuple[str, ...]:
    """Apps whose migration state the archive records and a restore compares."""
    return ("contenttypes", "auth", "admin", *directory_apps())


# Models referenced by natural key instead of by number.
NATURAL_KEY_MODELS = (ContentType, Permission)
CHUNK_SIZE = 2000


class BackupError(Exception):
    """The backup or restore is refused; the message says why, in German."""


# --- which tables ----------------------------------------------------------------------------------


def backup_models() -> list[type[models.Model]]:
    """Every model whose rows go into the archive, in an order that inserts referenced rows first.

    Auto-created many-to-many link tables are separate entries (their rows keep their ids, and
    loading them sends no m2m signals that would write extra history).
    """
    chosen = [Group, get_user_model(), LogEntry]
    for label in directory_apps():
        # The page cache's token is not data: a restore writes a fresh one.
        chosen.extend(model for model in apps.get_app_config(label).get_models() if model is not DirectoryVersion)
    with_links = []
    for model in chosen:
        with_links.append(model)
        for field in model._meta.local_many_to_many:
            if field.remote_field.through._meta.auto_created:
                with_links.append(field.remote_field.through)
    return insert_order(with_links)


def _label(model) -> str:
    return model._meta.label_lower


def _fields(model) -> list[str]:
    """The serialised columns: every concrete field but the key (many-to-many links are separate tables)."""
    return [field.name for field in model._meta.concrete_fields if not field.primary_key]


# --- serialising -----------------------------------------------------------------------------------


class _Encoder(DjangoJSONEncoder):
    """Like Django's encoder, but keeps microseconds (Django's cuts times to milliseconds)."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


class _Serializer(PythonSerializer):
    """Django's python serializer; natural keys only for references to content types and permissions."""

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = issubclass(field.remote_field.model, NATURAL_KEY_MODELS)
        super().handle_fk_field(obj, field)


def _records(model) -> Iterator[dict]:
    queryset = model._base_manager.order_by("pk")
    chunk = []
    for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
        chunk.append(obj)
        if len(chunk) >= CHUNK_SIZE:
            yield from _Serializer().serialize(chunk, fields=_fields(model))
            chunk = []
    if chunk:
        yield from _Serializer().serialize(chunk, fields=_fields(model))


def _file_names(model) -> set[str]:
    names = set()
    for field in model._meta.concrete_fields:
        if isinstance(field, models.FileField):
            names.update(name for name in model._base_manager.values_list(field.attname, flat=True) if name)
    return names


# --- migrations ------------------------------------------------------------------------------------


def migration_state(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    """The applied migrations of the apps the archive depends on: app label -> sorted names."""
    applied = MigrationRecorder(connections[using]).applied_migrations()
    return {app: sorted(name for label, name in applied if label == app) for app in migration_apps()}


def pending_migrations(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    executor = MigrationExecutor(connections[using])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


# --- writing ---------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def default_file_name(now: datetime.datetime | None = None) -> str:
    now = timezone.localtime(now or timezone.now())
    return f"engagiert-backup-{now:%Y-%m-%dT%H%M}.tar.gz"


def write_backup(target: str | os.PathLike | None = None, using: str = DEFAULT_DB_ALIAS) -> tuple[Path, dict]:
    """Write the archive; `target` is a file name or an existing directory. Returns (path, manifest)."""
    target = Path(target) if target else Path.cwd()
    path = target / default_file_name() if target.is_dir() else target
    connection = connections[using]
    members: dict[str, dict] = {}
    counts: dict[str, int] = {}
    files: set[str] = set()
    missing: list[str] = []

    with tempfile.TemporaryDirectory(prefix="engagiert-backup-") as tmp:
        tmp = Path(tmp)
        (tmp / "data").mkdir()
        # One read-only transaction: on PostgreSQL all tables are read at the same moment.
        snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
        with transaction.atomic(using=using):
            if snapshot:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            for model in backup_models():
                name = f"data/{_label(model)}.jsonl"
                count = 0
                with open(tmp / name, "w", encoding="utf-8") as out:
                    for record in _records(model):
                        out.write(json.dumps(record, cls=_Encoder, ensure_ascii=False))
                        out.write("\n")
                        count += 1
                counts[_label(model)] = count
                files |= _file_names(model)
                members[name] = {"sha256": _sha256(tmp / name), "size": (tmp / name).stat().st_size}
            state = migration_state(using)

        media = []
        for name in sorted(files):
            if not default_storage.exists(name):
                missing.append(name)
                continue
            member = f"media/{name}"
            (tmp / member).parent.mkdir(parents=True, exist_ok=True)
            with default_storage.open(name, "rb") as source, open(tmp / member, "wb") as out:
                out.writelines(iter(lambda: source.read(1 << 20), b""))
            members[member] = {"sha256": _sha256(tmp / member), "size": (tmp / member).stat().st_size}
            media.append(name)

        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "django_version": django.get_version(),
            "database": connection.vendor,
            "migrations": state,
            "latest_migrations": {app: names[-1] if names else None for app, names in state.items()},
            "counts": counts,
            "media": media,
            "missing_media": missing,
            "members": members,
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")

        partial = path.with_name(path.name + ".part")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(tmp / MANIFEST, arcname=MANIFEST)
            for member in members:
                archive.add(tmp / member, arcname=member)
        partial.replace(path)
    return path, manifest


# --- restoring -------------------------------------------------------------------------------------


def _migration_states() -> set[tuple[str, str, str]]:
    """(code, name, slug) of the Länder as the data migration creates them."""
    return set(STATES)


def non_empty_reasons(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Why the database does not count as empty: German sentences, none if it is empty.

    Empty means: no rows in any table the archive holds, except
    - the Länder exactly as the data migration created them (cities.State), and
    - the group „Programmbüro“ that `migrate` creates, with no member.
    Content types, permissions, sessions, django-axes records and the migration table are not looked at.
    """
    reasons = []
    states = _migration_states()
    for model in backup_models():
        queryset = model._base_manager.using(using)
        if model is State:
            extra = [s for s in queryset.all() if (s.code, s.name, s.slug) not in states]
            if extra:
                reasons.append(f"{len(extra)} Bundesländer weichen vom Stand der Datenmigration ab.")
        elif model is Group:
            others = queryset.exclude(name=OFFICE_GROUP).count()
            if others:
                reasons.append(f"{others} Benutzergruppe(n) außer „{OFFICE_GROUP}“.")
        elif model is Group.permissions.through:
            continue  # the office group's permissions, given by migrate
        else:
            count = queryset.count()
            if count:
                reasons.append(f"{count} Einträge in {model._meta.verbose_name_plural} ({_label(model)}).")
    return reasons


def is_empty(using: str = DEFAULT_DB_ALIAS) -> bool:
    return not non_empty_reasons(using)


def read_manifest(directory: Path) -> dict:
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(
            f"Die Datei ist keine Sicherung des Verzeichnisses: {MANIFEST} fehlt oder ist unlesbar."
        ) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("Die Datei ist keine Sicherung des Verzeichnisses (unbekanntes Format).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"Die Sicherung hat die Formatversion {manifest.get('format_version')!r}; diese Version des "
            f"Verzeichnisses liest nur Formatversion {FORMAT_VERSION}. Es wurde nichts geändert."
        )
    return manifest


def _unpack(archive: Path, directory: Path) -> dict:
    """Unpack and verify the archive; return its manifest."""
    try:
        with tarfile.open(archive, "r:*") as tar:
            names = [member.name for member in tar.getmembers()]
            if any(not member.isfile() for member in tar.getmembers()):
                raise BackupError("Die Sicherung enthält unerwartete Einträge (keine einfachen Dateien).")
            tar.extractall(directory, filter="data")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"Die Sicherung {archive} lässt sich nicht lesen: {error}") from error
    manifest = read_manifest(directory)
    listed = manifest.get("members") or {}
    unknown = sorted(set(names) - set(listed) - {MANIFEST})
    if unknown:
        raise BackupError(f"Die Sicherung enthält Dateien, die nicht im Manifest stehen: {', '.join(unknown[:5])}.")
    for name, info in listed.items():
        path = directory / name
        if not path.is_file():
            raise BackupError(f"In der Sicherung fehlt {name}. Es wurde nichts geändert.")
        if _sha256(path) != info.get("sha256"):
            raise BackupError(
                f"Die Prüfsumme von {name} stimmt nicht: Die Sicherung ist beschädigt oder wurde verändert. "
                "Es wurde nichts geändert."
            )
    return manifest


def _check_migrations(manifest: dict, using: str) -> None:
    pending = pending_migrations(using)
    if pending:
        raise BackupError(
            "Die Datenbank ist nicht auf dem Stand des Programms; bitte zuerst „manage.py migrate“ ausführen "
            f"(offen: {', '.join(pending[:5])})."
        )
    current = migration_state(using)
    archived = manifest.get("migrations") or {}
    differences = []
    for app in migration_apps():
        if archived.get(app, []) != current[app]:
            differences.append(
                f"{app}: Sicherung {archived.get(app, [None])[-1] if archived.get(app) else '–'}, "
                f"Datenbank {current[app][-1] if current[app] else '–'}"
            )
    if differences:
        raise BackupError(
            "Die Sicherung stammt von einem anderen Stand der Datenbankstruktur als dieses Programm ("
            + "; ".join(differences)
            + "). Bitte mit der Programmversion wiederherstellen, mit der sie geschrieben wurde, "
            "und danach „manage.py migrate“ ausführen. Es wurde nichts geändert."
        )


def _read(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _restore_media(directory: Path, manifest: dict) -> int:
    restored = 0
    for name in manifest.get("media", []):
        if default_storage.exists(name):
            default_storage.delete(name)
        with open(directory / "media" / name, "rb") as handle:
            saved = default_storage.save(name, File(handle))
        if saved != name:
            raise BackupError(f"Die Datei {name} konnte nicht unter ihrem Namen abgelegt werden ({saved}).")
        restored += 1
    return restored


def restore_backup(archive: str | os.PathLike, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Restore the archive into the empty database; return the counts per model and of media files."""
    archive = Path(archive)
    connection = connections[using]
    with tempfile.TemporaryDirectory(prefix="engagiert-restore-") as tmp:
        directory = Path(tmp)
        manifest = _unpack(archive, directory)
        _check_migrations(manifest, using)
        by_label = {_label(model): model for model in backup_models()}
        archived = set(manifest.get("counts", {}))
        if archived != set(by_label):
            raise BackupError(
                "Die Tabellen der Sicherung passen nicht zu diesem Programm "
                f"(fehlen: {', '.join(sorted(set(by_label) - archived)) or '–'}; "
                f"unbekannt: {', '.join(sorted(archived - set(by_label))) or '–'})."
            )

        with transaction.atomic(using=using):
            reasons = non_empty_reasons(using)
            if reasons:
                raise BackupError(
                    "Die Datenbank ist nicht leer; eine Sicherung wird nur in eine leere Datenbank "
                    "eingespielt (nach „manage.py migrate“, ohne weitere Einträge). Gefunden: "
                    + " ".join(reasons[:5])
                    + (f" … und {len(reasons) - 5} weitere Tabellen." if len(reasons) > 5 else "")
                    + " Es wurde nichts geändert."
                )
            # Every cached page is stale once the restore commits.
            directory_changed()
            # What migrate created is replaced by the archive's rows, with the archive's numbers.
            Group.objects.using(using).filter(name=OFFICE_GROUP).delete()
            State.objects.using(using).all().delete()

            loaded_models = []
            with connection.constraint_checks_disabled():
                for label, model in by_label.items():
                    records = _read(directory / "data" / f"{label}.jsonl")
                    try:
                        for item in serializers.deserialize("python", records, using=using):
                            item.save(using=using)
                    except (serializers.base.DeserializationError, ValueError) as error:
                        raise BackupError(f"Die Daten von {label} lassen sich nicht einlesen: {error}") from error
                    loaded_models.append(model)
            connection.check_constraints(table_names=[model._meta.db_table for model in loaded_models])

            counts = {label: model._base_manager.using(using).count() for label, model in by_label.items()}
            if counts != manifest["counts"]:
                wrong = [label for label in counts if counts[label] != manifest["counts"][label]]
                raise BackupError(f"Nach dem Einlesen stimmen die Anzahlen nicht: {', '.join(wrong)}.")

            sql = connection.ops.sequence_reset_sql(no_style(), loaded_models)
            if sql:
                with connection.cursor() as cursor:
                    for statement in sql:
                        cursor.execute(statement)
            # Last, so that a failure here still undoes the database part.
            media = _restore_media(directory, manifest)
    return {"counts": counts, "media": media, "manifest": manifest}
