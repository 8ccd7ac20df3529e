"""References of the registers (ISS-2021-0001, BRE-…, COM-…): one series per prefix and year,
allocated when a record is first saved."""

from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Length

from core.errors import ApplicationError


def next_reference(model, prefix: str, year: int) -> str:
    """The next reference of `prefix`'s series for `year`, e.g. ISS-2021-0003."""
    stem = f"{prefix}-{year}-"
    last = (
        model.objects.filter(reference__startswith=stem)
        .order_by(Length("reference").desc(), "-reference")  # 10000 comes after 9999
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{stem}{number:04d}"


def create_with_reference(obj, prefix: str, year: int) -> None:
    """Save a new record under the next free reference; retry if another save took it.

    On PostgreSQL, saves in one series wait for each other from here to their commit (an
    advisory lock), so fifty people logging issues at once do not exhaust the retries.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{prefix}-{year}"])
    for _ in range(5):
        obj.reference = next_reference(type(obj), prefix, year)
        # The database decides whether the reference is free (IntegrityError, retried):
        # a uniqueness check here would see a concurrent save's row and fail without retry.
        obj.full_clean(exclude={"reference"})
        try:
            with transaction.atomic():
                obj.save()
            return
        except IntegrityError:
            obj.pk = None
    raise ApplicationError("Could not allocate a reference; try again.")
