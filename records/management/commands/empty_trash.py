"""manage.py empty_trash: remove Papierkorb entries older than the retention (see core/trash.py)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import formats, timezone

from core.trash import purge


class Command(BaseCommand):
    help = (
        "Delete Papierkorb entries deleted more than DAYS days ago (default: TRASH_RETENTION_DAYS, "
        f"now {settings.TRASH_RETENTION_DAYS}), with the report photos only they still refer to. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="Keep entries deleted within this many days.")
        parser.add_argument("--dry-run", action="store_true", help="Only list what would be deleted.")

    def handle(self, *args, days=None, dry_run=False, **options):
        if days is not None and days < 0:
            raise CommandError("--days braucht eine Zahl ab 0.")
        result = purge(days, dry_run=dry_run)
        since = formats.date_format(timezone.localtime(result.cutoff), "j. F Y, H:i")
        if not result.entries:
            self.stdout.write(f"Nichts zu tun: Kein Eintrag im Papierkorb wurde vor dem {since} Uhr gelöscht.")
            return
        verb = "würden gelöscht" if dry_run else "gelöscht"
        self.stdout.write(
            f"{len(result.entries)} Einträge aus dem Papierkorb {verb} (gelöscht vor dem {since} Uhr), "
            f"{len(result.files)} Fotodateien {verb}."
        )
        for name in result.entries:
            self.stdout.write(f"  {name}")
        for name in result.files:
            self.stdout.write(f"  Datei {name}")
