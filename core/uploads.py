"""The check every CSV import applies to its upload before reading it: the name says CSV,
the size is within the limit, and the content is text (no NUL bytes, UTF-8)."""

from pathlib import PurePath

from django.core.exceptions import ValidationError

#: About 25,000 register rows; an import also reads at most IMPORT_MAX_ROWS rows (core.imports):
#: a bigger file goes through `manage.py import_register --max-rows`.
MAX_CSV_BYTES = 5 * 1024 * 1024
CSV_BAD_EXTENSION = "“{}” is not a CSV file: upload a .csv file (comma separated, UTF-8)."
CSV_TOO_LARGE = "“{}” is {:.1f} MB; an import takes at most {:.0f} MB."
CSV_EMPTY = "“{}” is empty."
CSV_NOT_TEXT = "“{}” is not text: save it as 'CSV UTF-8' and try again."


def csv_upload_problem(name: str, size: int, head: bytes, *, max_bytes: int = MAX_CSV_BYTES):
    """Why an uploaded CSV is refused, from its name, size and first bytes; or None."""
    if PurePath(name).suffix.lower() not in {".csv", ".txt"}:
        return CSV_BAD_EXTENSION.format(name)
    if size == 0:
        return CSV_EMPTY.format(name)
    if size > max_bytes:
        return CSV_TOO_LARGE.format(name, size / 1024 / 1024, max_bytes / 1024 / 1024)
    if b"\x00" in head:
        return CSV_NOT_TEXT.format(name)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut at the end of the sample
            return CSV_NOT_TEXT.format(name)
    return None


def validate_csv_upload(upload) -> None:
    """Field validator for a CSV upload (Django forms and DRF serializers)."""
    head = upload.read(4096)
    upload.seek(0)
    problem = csv_upload_problem(upload.name, upload.size, head)
    if problem:
        raise ValidationError(problem, code="invalid_upload")
