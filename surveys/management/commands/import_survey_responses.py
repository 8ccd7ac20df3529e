from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from surveys import importers, services
from surveys.models import Round


class Command(BaseCommand):
    help = (
        "Import a CSV of survey responses into a round (one row per respondent, one column per "
        "question code). Imports nothing unless every row is valid; --dry-run only previews."
    )

    def add_arguments(self, parser):
        parser.add_argument("round_id", type=int)
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check and preview only.")

    def handle(self, *args, round_id, file, dry_run, **options):
        try:
            round = Round.objects.select_related("survey").get(pk=round_id)
        except Round.DoesNotExist as exc:
            raise CommandError(f"No survey round has id {round_id}.") from exc
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        preview = services.round_import_responses(round=round, data=data, dry_run=dry_run)
        if not preview.is_valid:
            for error in preview.errors:
                self.stderr.write(str(error))
            raise CommandError(importers.IMPORT_INVALID.format(count=len(preview.errors)))
        for name, score in preview.score_rows:
            self.stdout.write(f"  {name}: {score}")
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(preview.rows)} responses into {round}."))
