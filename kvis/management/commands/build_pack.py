import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from core.models import Committee
from kvis import packs
from kvis.services import ApplicationError


class Command(BaseCommand):
    help = (
        "Build a draft of a committee's monthly pack now (synchronously) and print its file "
        "and size. A draft is e-mailed to nobody; an approver issues it from the packs page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--committee", required=True, help="Committee code, e.g. CoMC")
        parser.add_argument("--month", required=True, help="YYYY-MM, e.g. 2020-11")
        parser.add_argument("--force-reason", default="", help="Build although KVIs are unapproved")
        parser.add_argument(
            "--no-email", action="store_true", help="Kept for old scripts: drafts are not e-mailed"
        )

    def handle(self, *args, committee, month, force_reason, no_email, **options):
        try:
            committee_obj = Committee.objects.get(code=committee)
        except Committee.DoesNotExist:
            raise CommandError(f"No committee with code {committee!r}.") from None
        try:
            month_date = datetime.strptime(month, "%Y-%m").date()  # noqa: DTZ007
        except ValueError:
            raise CommandError(f"--month must be YYYY-MM, not {month!r}.") from None
        started = time.monotonic()
        try:
            pack = packs.pack_request(
                committee=committee_obj,
                month=month_date,
                by=None,
                force_reason=force_reason,
                enqueue=lambda **kw: None,
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        pack = packs.pack_build(pack_id=pack.pk)
        seconds = time.monotonic() - started
        self.stdout.write(
            f"{pack.file.path}\npages: {pack.page_count}\nseconds: {seconds:.2f}\n"
            f"bytes: {pack.size}\nsha256: {pack.sha256}"
        )
