"""Import issues or breaches from a CSV file: `manage.py import_register issues FILE --user ops`.

With --dry-run nothing is saved; the report lists every bad row and column either way, and
nothing is imported unless every row is valid.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from issues.importers import IMPORTERS


class Command(BaseCommand):
    help = "Import issues or breaches from CSV (all rows or none); --dry-run checks only."

    def add_arguments(self, parser):
        parser.add_argument("register", choices=sorted(IMPORTERS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="Username recorded as the owner.")
        parser.add_argument("--dry-run", action="store_true", help="Check every row; save none.")
        parser.add_argument(
            "--max-rows",
            type=int,
            default=None,
            help="Read up to this many rows (default: the IMPORT_MAX_ROWS setting, as uploads).",
        )

    def handle(self, *args, register, file, user, dry_run, max_rows, **options):
        try:
            owner = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named '{user}'.") from None
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        report = IMPORTERS[register](text=text, dry_run=dry_run, by=owner, limit=max_rows)
        for error in report.errors:
            self.stderr.write(str(error))
        if report.errors_not_shown:
            self.stderr.write(f"… and {report.errors_not_shown} more error(s).")
        if not report.ok:
            raise CommandError(
                f"Nothing was imported: {report.error_count} error(s) in {report.rows} row(s)."
            )
        if dry_run:
            self.stdout.write(f"All {report.rows} row(s) are valid; nothing saved (dry run).")
        else:
            self.stdout.write(f"Imported {report.imported} {register}.")
