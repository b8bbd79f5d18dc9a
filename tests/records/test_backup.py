"""manage.py backup / restore: the round trip loses nothing, and a restore is refused when it should be.

Runs on SQLite and on PostgreSQL (DATABASE_URL=postgres://...). The round trip empties the
database with `flush`, so it needs a transactional test.
"""

import importlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cities.models import City, Person, State
from core.models import DeletedEntry
from core.permissions import ensure_office_group
from core.trash import delete_with_snapshot
from events.models import Meeting, MeetingPhoto
from networks.models import Network
from records.backup import backup_models, is_empty, non_empty_reasons, write_backup

PHOTO = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"


def create_states():
    importlib.import_module("cities.migrations.0002_states").create_states(apps, None)


def fill(demo_user_names=True):
    """The demo directory, its accounts, some history, a Papierkorb entry, a photo and an admin log entry."""
    from demo.loader import load_demo
    from demo.users import load_demo_users

    create_states()
    ensure_office_group(sender=None)
    load_demo()
    load_demo_users()
    office = Group.objects.get(name="Programmbüro").user_set.get()

    city = City.objects.get(slug="stendal")
    city._history_user = office
    city.population = (city.population or 0) + 1
    city.save()

    meetings = list(Meeting.objects.order_by("pk"))
    delete_with_snapshot(meetings[0], user=office)
    report_meeting = next(m for m in meetings[1:] if hasattr(m, "report"))
    MeetingPhoto.objects.create(
        report=report_meeting.report,
        image=SimpleUploadedFile("treffen.gif", PHOTO, content_type="image/gif"),
        alt_text="Gruppenbild",
        credit="Foto: Netzwerk",
    )
    LogEntry.objects.create(
        user=office,
        content_type=ContentType.objects.get_for_model(City),
        object_id=str(city.pk),
        object_repr=str(city),
        action_flag=CHANGE,
        change_message="[]",
    )


def dump() -> dict:
    """Every row of every table in the archive, read with plain SQL, ordered by key.

    Content types and permissions have other numbers in another database, so references to them
    are compared by natural key.
    """
    result = {}
    with connection.cursor() as cursor:
        for model in backup_models():
            columns = [field.column for field in model._meta.concrete_fields]
            natural = {
                index: field.related_model
                for index, field in enumerate(model._meta.concrete_fields)
                if field.is_relation and field.related_model in (ContentType, Permission)
            }
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(
                f"SELECT {', '.join(connection.ops.quote_name(c) for c in columns)} FROM {table} "
                f"ORDER BY {connection.ops.quote_name(model._meta.pk.column)}"
            )
            rows = []
            for row in cursor.fetchall():
                row = list(row)
                for index, target in natural.items():
                    if row[index] is not None:
                        row[index] = target.objects.get(pk=row[index]).natural_key()
                rows.append(tuple(row))
            result[model._meta.label_lower] = rows
    return result


def media_files(root: Path) -> dict:
    return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def rewrite(archive: Path, target: Path, change) -> Path:
    """A copy of the archive with `change(directory)` applied to its unpacked members."""
    work = target.parent / "rewrite"
    with tarfile.open(archive) as tar:
        tar.extractall(work, filter="data")
    change(work)
    with tarfile.open(target, "w:gz") as tar:
        for path in sorted(work.rglob("*")):
            if path.is_file():
                tar.add(path, arcname=str(path.relative_to(work)))
    shutil.rmtree(work)
    return target


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_round_trip_loses_nothing(transactional_db, media, tmp_path):
    fill()
    assert DeletedEntry.objects.exists() and City.history.exists() and MeetingPhoto.objects.exists()
    before = dump()
    files = media_files(media)
    assert files  # the photo

    out = io.StringIO()
    call_command("backup", str(tmp_path), stdout=out)
    archive = next(tmp_path.glob("engagiert-backup-*.tar.gz"))
    assert str(archive) in out.getvalue()

    call_command("flush", interactive=False, verbosity=0)
    create_states()  # flush removed what the data migration had created
    shutil.rmtree(media)
    assert is_empty(), non_empty_reasons()

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "Wiederhergestellt" in out.getvalue()

    after = dump()
    assert after.keys() == before.keys()
    for label in before:
        assert after[label] == before[label], label
    assert media_files(media) == files

    # New rows get fresh numbers (the sequences were reset on PostgreSQL), history included.
    state = State.objects.get(code="DE-ST")
    town = City.objects.create(name="Neuort", slug="neuort", state=state)
    assert town.pk > max(row[0] for row in before["cities.city"])
    assert town.history.count() == 1
    network = Network.objects.first()
    Meeting.objects.first().networks.add(network)
    Person.objects.create(name="Neue Person", role="Test")


def test_restore_into_a_non_empty_database_is_refused_and_changes_nothing(db, media, tmp_path):
    fill()
    archive, _ = write_backup(tmp_path)
    City.objects.filter(slug="stendal").update(description="Nach der Sicherung geändert")
    before = dump()

    with pytest.raises(CommandError, match="Die Datenbank ist nicht leer"):
        call_command("restore", str(archive))
    assert dump() == before


def test_what_counts_as_empty(empty_directory):
    create_states()
    ensure_office_group(sender=None)
    assert is_empty(), non_empty_reasons()

    state = State.objects.get(code="DE-BY")
    state.name = "Freistaat Bayern"
    state.save()
    assert any("Bundesländer" in reason for reason in non_empty_reasons())
    state.name = "Bayern"
    state.save()

    group = Group.objects.create(name="Andere")
    assert not is_empty()
    group.delete()

    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("admin", password="x")
    assert any("auth.user" in reason for reason in non_empty_reasons())


@pytest.fixture
def archive(db, media, tmp_path):
    fill()
    path, _ = write_backup(tmp_path / "sicherung.tar.gz")
    return path


def refused(path, message):
    before = dump()
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path))
    assert dump() == before


def test_a_tampered_archive_is_refused(archive, tmp_path):
    def tamper(directory):
        member = directory / "data" / "cities.city.jsonl"
        member.write_text(member.read_text(encoding="utf-8").replace("Stendal", "Stendhal"), encoding="utf-8")

    refused(
        rewrite(archive, tmp_path / "manipuliert.tar.gz", tamper), "Prüfsumme von data/cities.city.jsonl stimmt nicht"
    )


def test_an_unknown_member_is_refused(archive, tmp_path):
    def add(directory):
        (directory / "data" / "extra.jsonl").write_text("{}\n")

    refused(rewrite(archive, tmp_path / "extra.tar.gz", add), "nicht im Manifest")


def edit_manifest(change):
    def edit(directory):
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        change(manifest)
        (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    return edit


def test_another_format_version_is_refused(archive, tmp_path):
    path = rewrite(archive, tmp_path / "v99.tar.gz", edit_manifest(lambda m: m.update(format_version=99)))
    refused(path, "Formatversion 99")


def test_another_migration_state_is_refused(archive, tmp_path):
    path = rewrite(
        archive, tmp_path / "alt.tar.gz", edit_manifest(lambda m: m["migrations"]["cities"].append("0099_future"))
    )
    refused(path, "anderen Stand der Datenbankstruktur")


def test_the_manifest_lists_counts_migrations_and_checksums(archive):
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names[0] == "manifest.json"
    assert manifest["format_version"] == 1
    assert manifest["counts"]["cities.city"] == City.objects.count()
    assert manifest["counts"]["cities.historicalcity"] == City.history.count()
    assert manifest["counts"]["engagiert.deletedentry"] == 1
    assert manifest["latest_migrations"]["cities"]
    assert set(manifest["members"]) == set(names) - {"manifest.json"}
    assert any(name.startswith("media/berichte/") for name in names)
    assert "django_session" not in json.dumps(manifest) and "axes.accessattempt" not in manifest["counts"]
