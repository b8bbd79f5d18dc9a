"""manage.py restore ARCHIVE: load a backup into an empty, migrated database (see records/backup.py)."""

from django.core.management.base import BaseCommand, CommandError

from records.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive written by 'manage.py backup' into an empty database (run 'manage.py migrate' "
        "first). Refuses a damaged archive, one from another migration state, and a database that already "
        "holds directory data."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz archive written by 'manage.py backup'.")

    def handle(self, *args, **options):
        try:
            result = restore_backup(options["archive"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        for label, count in result["counts"].items():
            if count:
                self.stdout.write(f"  {label}: {count}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Wiederhergestellt: {sum(result['counts'].values())} Datensätze, {result['media']} Mediendateien "
                f"(Sicherung vom {result['manifest']['created_at']})."
            )
        )
