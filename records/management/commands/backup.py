"""manage.py backup [path]: write the whole directory to one archive (see records/backup.py)."""

from django.core.management.base import BaseCommand, CommandError

from records.backup import BackupError, write_backup


class Command(BaseCommand):
    help = (
        "Write the whole directory (data, change history, Papierkorb, accounts and roles, photos) to one "
        "versioned .tar.gz archive. PATH is a file name or a directory (default: the current directory)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="Archive file or directory to write it into.")

    def handle(self, *args, **options):
        try:
            path, manifest = write_backup(options["path"])
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            f"Sicherung geschrieben: {path} ({rows} Datensätze in {len(manifest['counts'])} Tabellen, "
            f"{len(manifest['media'])} Mediendateien)."
        )
        for name in manifest["missing_media"]:
            self.stderr.write(f"Warnung: Die Datei {name} fehlt unter MEDIA_ROOT und ist nicht in der Sicherung.")
