"""What every app's API shares: role permissions, the error mapping, versions, months, CSV.

Part of the kit in core: it imports no app, every app's API imports it.

The API calls the same services and selectors as the pages, so rules, errors and permissions
are one set. Errors map as the contract says: a service's ApplicationError (a refusal given the
record's current state: a gate, a locked month, a stale version) is 409 with its message; a
model's ValidationError is 400 with field errors, 422 when every error is a reference to a
record that does not exist.
"""

from __future__ import annotations

import contextlib
import decimal
from datetime import date
from itertools import islice

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiRequest,
    extend_schema,
    extend_schema_field,
)
from rest_framework import (
    ISO_8601,
    exceptions,
    mixins,
    permissions,
    renderers,
    serializers,
    status,
)
from rest_framework.decorators import action
from rest_framework.fields import get_error_detail
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from core import calendar, imports
from core.calendar import (
    BAD_MONTH,
    FIRST_YEAR,
    LAST_YEAR,
    MONTH_PATTERN,
    OUT_OF_RANGE,
    YEAR_PATTERN,
)
from core.errors import (
    DATABASE_BUSY,
    NOTHING_TO_REPORT,
    VERSION_NEEDED,
    ApplicationError,
    database_is_locked,
)
from core.exports import XLSX_TYPE, csv_response, xlsx_response
from core.uploads import validate_csv_upload

BAD_VERSION = "The version must be a whole number, as read from the record."


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The record changed or is locked."
    default_code = "conflict"


class DatabaseBusy(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = DATABASE_BUSY
    default_code = "database_busy"


def exception_handler(exc, context):
    """DRF's handler, plus: ApplicationError → 409, Django ValidationError → 400 per field,
    a locked SQLite database → 503 with Retry-After (nothing was written; try again)."""
    if isinstance(exc, ApplicationError):
        exc = Conflict(exc.message)
    elif database_is_locked(exc):
        exc = DatabaseBusy()
        exc.wait = 1  # DRF turns it into Retry-After
    elif isinstance(exc, DjangoValidationError):
        # Field messages with their codes (DRF's own conversion), so a code can choose 422.
        detail = get_error_detail(exc)
        exc = exceptions.ValidationError(
            detail if hasattr(exc, "error_dict") else {"non_field_errors": detail}
        )
    response = drf_exception_handler(exc, context)
    if isinstance(exc, exceptions.ValidationError) and _only_unprocessable(exc.get_codes()):
        # Well formed, but naming a record that does not exist (or a month before anything
        # reports): no schema can say which exist.
        response.status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    return response


#: The codes of field errors that say "well formed, but nothing there" (422, not 400).
UNPROCESSABLE = {"does_not_exist", NOTHING_TO_REPORT}


def _only_unprocessable(codes) -> bool:
    """Whether every message of a 400 is a relation's "does not exist" (or its like)."""
    if isinstance(codes, dict):
        codes = list(codes.values())
    if isinstance(codes, list):
        return bool(codes) and all(_only_unprocessable(code) for code in codes)
    return codes in UNPROCESSABLE


class PortalSessionScheme(SessionScheme):
    """The schema's cookie authentication for the portal's session class (with its limits)."""

    target_class = "core.authentication.SessionAuthentication"


class RolePermission(permissions.BasePermission):
    """The pages' permissions: `read_permission` for safe methods, `write_permission` (or a
    per-action `write_permissions[action]`) for the rest. Anonymous users get 401; a user
    without the permission (including one without a role) gets 403."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            needed = view.read_permission
        else:
            action = getattr(view, "action", None)
            needed = getattr(view, "write_permissions", {}).get(action, view.write_permission)
        if isinstance(needed, str):
            needed = (needed,)
        return request.user.has_perms(needed)


# --- Request bodies -------------------------------------------------------------------------


#: Field kind → the JSON type it takes, and the field's message for another.
_JSON_TYPES = {
    serializers.CharField: (str, "invalid"),
    serializers.BooleanField: (bool, "invalid"),
    serializers.ManyRelatedField: (list, "not_a_list"),
    serializers.ListField: (list, "not_a_list"),
}


class JSONBody(serializers.Serializer):
    """A request body read as its JSON says: a text field takes a string, a yes/no field a
    boolean, a list of records a list. DRF would read 0 as "0", 0 as false and {} as no
    records, accepting what the schema calls invalid (issue #14)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = {}
            for name, field in self.fields.items():
                value = data.get(name)
                if field.read_only or value is None:
                    continue
                wanted = next(
                    (kind for cls, kind in _JSON_TYPES.items() if isinstance(field, cls)), None
                )
                if wanted and not isinstance(value, wanted[0]):
                    try:
                        field.fail(wanted[1], input_type=type(value).__name__)
                    except exceptions.ValidationError as refusal:
                        errors[name] = refusal.detail
            if errors:
                raise exceptions.ValidationError(errors)
        return super().to_internal_value(data)


class RoundedDecimal(serializers.DecimalField):
    """A decimal rounded to its places before its digits are counted: a JSON number is a
    float (2.0292025124902096 for 2.0), which the schema cannot bound in digits."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rounding", decimal.ROUND_HALF_UP)
        super().__init__(*args, **kwargs)

    def validate_precision(self, value):
        # Too many digits before the point: DRF's own message says so.
        with contextlib.suppress(decimal.InvalidOperation):
            value = self.quantize(value)
        return super().validate_precision(value)


# --- Versions -------------------------------------------------------------------------------


def expected_version(request) -> int:
    """The version the client last read: body `version`, else an If-Match ETag ("3", W/"3")."""
    raw = request.data.get("version") if hasattr(request.data, "get") else None
    if raw is None:
        header = request.headers.get("If-Match", "").strip()
        raw = header.removeprefix("W/").strip('"') or None
    if raw is None:
        raise exceptions.ValidationError({"version": [VERSION_NEEDED]})
    try:
        if isinstance(raw, bool):
            raise ValueError(raw)
        return int(raw)
    except (TypeError, ValueError):
        raise exceptions.ValidationError({"version": [BAD_VERSION]}) from None


def etag(version: int) -> str:
    return f'"{version}"'


def with_etag(response: Response, version: int) -> Response:
    response["ETag"] = etag(version)
    return response


class VersionedRetrieveMixin(mixins.RetrieveModelMixin):
    """GET one record with its version as an ETag, for a later If-Match."""

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        return with_etag(Response(self.get_serializer(instance).data), instance.version)


# --- Months ---------------------------------------------------------------------------------


def parse_month(value: str | None, *, field: str = "month") -> date:
    """The calendar's month parser, failing as a 400 on `field`."""
    try:
        return calendar.parse_month(value)
    except calendar.BadMonth as error:
        raise exceptions.ValidationError({field: [str(error)]}) from None


def _check_year(value, fail) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        fail("out_of_range")


@extend_schema_field({"type": "string", "format": "date-time", "pattern": YEAR_PATTERN})
class Moment(serializers.DateTimeField):
    """An ISO 8601 date and time with its offset, in the portal's years."""

    default_error_messages = {"out_of_range": OUT_OF_RANGE}

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        _check_year(moment, self.fail)
        return moment


@extend_schema_field({"type": "string", "format": "date", "pattern": YEAR_PATTERN})
class Day(serializers.DateField):
    """An ISO 8601 date in the portal's years."""

    default_error_messages = {"out_of_range": OUT_OF_RANGE}

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        _check_year(day, self.fail)
        return day


MONTH_SCHEMA = {"type": "string", "pattern": MONTH_PATTERN, "example": "2020-11"}


@extend_schema_field(MONTH_SCHEMA)
class MonthField(serializers.Field):
    """A month as YYYY-MM, held as the first day of the month."""

    default_error_messages = {"invalid": BAD_MONTH, "out_of_range": OUT_OF_RANGE}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            month = parse_month(data)
        except exceptions.ValidationError:
            self.fail("invalid")
        _check_year(month, self.fail)
        return month

    def to_representation(self, value):
        return f"{value:%Y-%m}"


month_string = calendar.month_string


MONTH_PARAMETER = OpenApiParameter(
    "month",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=True,
    description="A calendar month, YYYY-MM.",
    pattern=MONTH_PATTERN,
)


def required_month(request) -> date:
    return parse_month(request.query_params.get("month"))


# --- CSV export -----------------------------------------------------------------------------


class CSVRenderer(renderers.BaseRenderer):
    """Announces `?format=csv`; list endpoints answer it with a streamed response."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Rows are streamed by CSVExportMixin and errors are rendered as JSON: nothing else
        # is ever rendered as CSV.
        raise NotImplementedError("CSV is streamed by CSVExportMixin.list")


class XLSXRenderer(renderers.BaseRenderer):
    """Announces `?format=xlsx`; list endpoints answer it with a workbook (core.exports)."""

    media_type = XLSX_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        raise NotImplementedError("A workbook is written by CSVExportMixin.list")


#: The formats a list exports in (every row, no pagination).
EXPORT_FORMATS = {"csv", "xlsx"}


def _flatten(value):
    if isinstance(value, list):
        return "; ".join(str(_flatten(v)) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={_flatten(v)}" for k, v in value.items())
    return "" if value is None else value


def _representer(field: serializers.Field):
    """What `field` shows for a value read from the database, as the serializer would (None
    stays None). A date-time in ISO 8601 is written here with its zone read once: DRF's own
    field looks the zone up every value, which made it most of a 100k-row export's time."""
    if isinstance(field, serializers.DateTimeField):
        output = getattr(field, "format", api_settings.DATETIME_FORMAT)
        zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
        if output is not None and output.lower() == ISO_8601 and zone is not None:

            def moment(value):
                if not value:
                    return None
                text = value.astimezone(zone).isoformat()
                return text[:-6] + "Z" if text.endswith("+00:00") else text

            return moment
    represent = field.to_representation
    return lambda value: None if value is None else represent(value)


def _column(field: serializers.Field) -> str:
    """The values_list path of a field's source ("owner.username": "owner__username")."""
    return field.source.replace(".", "__")


def nested_texts(children, parent: str, serializer: serializers.Serializer) -> dict:
    """Each parent's `children` (a QuerySet, in order) as the CSV writes a nested list of
    records ("name=value; …" each, joined by "; "), keyed by the `parent` column's value; read
    with values_list in one query. Used with `values_rows`' `related`."""
    fields = list(serializer.fields.values())
    shown = [(f.field_name, _representer(f)) for f in fields]
    rows = children.values_list(parent, *map(_column, fields)).iterator(chunk_size=5000)
    found: dict = {}
    for key, *values in rows:
        pairs = zip(shown, values, strict=True)
        record = "; ".join(f"{name}={_flatten(show(value))}" for (name, show), value in pairs)
        found.setdefault(key, []).append(record)
    return {key: "; ".join(records) for key, records in found.items()}


def values_rows(queryset, serializer: serializers.Serializer, names, *, related=None, chunk=2000):
    """The CSV rows (header first) of `names` as `serializer` gives them for `queryset`, read
    with values_list a chunk at a time: each field's value from its source column through the
    field's own representation, no model instance and no serializer a row. `related` maps a
    to-many column to a function of a chunk's pks giving each record's text by pk (one query a
    chunk, e.g. with `nested_texts`)."""
    related = related or {}
    # Per name: (name, its index in a row read, how it shows); the index is None if related.
    columns, plan = ["pk"], []
    for name in names:
        if name in related:
            plan.append((name, None, None))
        else:
            plan.append((name, len(columns), _representer(serializer.fields[name])))
            columns.append(_column(serializer.fields[name]))
    records = queryset.prefetch_related(None).values_list(*columns).iterator(chunk_size=chunk)
    yield list(names)
    while rows := list(islice(records, chunk)):
        pks = [row[0] for row in rows]
        texts = {name: read(pks) for name, read in related.items() if name in names}
        for row in rows:
            yield [
                texts[name].get(row[0], "") if index is None else _flatten(how(row[index]))
                for name, index, how in plan
            ]


class CSVExportMixin:
    """`GET <list>?format=csv` streams every filtered row (no pagination) as CSV, in chunks,
    so memory stays flat however many rows there are; `?format=xlsx` writes the same rows to a
    workbook in constant memory; formulas are neutralised (core.exports).
    A viewset whose list runs long overrides `csv_rows` with a values_list reading
    (`values_rows`)."""

    renderer_classes = [
        renderers.JSONRenderer,
        renderers.BrowsableAPIRenderer,
        CSVRenderer,
        XLSXRenderer,
    ]
    csv_chunk_size = 1000

    def perform_content_negotiation(self, request, force=False):
        # Only a list exports; any other action answers JSON even when asked for CSV or XLSX.
        renderer, media_type = super().perform_content_negotiation(request, force)
        if renderer.format in EXPORT_FORMATS and getattr(self, "action", None) != "list":
            return renderers.JSONRenderer(), renderers.JSONRenderer.media_type
        return renderer, media_type

    def handle_exception(self, exc):
        # Errors are JSON whatever format was asked for: a client reads them the same way.
        request = getattr(self, "request", None)
        if request is not None and getattr(request, "accepted_renderer", None) is not None:
            if request.accepted_renderer.format in EXPORT_FORMATS:
                request.accepted_renderer = renderers.JSONRenderer()
                request.accepted_media_type = "application/json"
        return super().handle_exception(exc)

    def list(self, request, *args, **kwargs):
        export = getattr(request.accepted_renderer, "format", None)
        if export not in EXPORT_FORMATS:
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        serializer = self.get_serializer_class()(context=self.get_serializer_context())
        hidden = serializer.hidden_fields() if hasattr(serializer, "hidden_fields") else set()
        names = [n for n in serializer.fields if n not in hidden]
        rows = self.csv_rows(queryset, serializer, names)
        if export == "xlsx":
            title = self.csv_name.replace("-", " ").capitalize()
            return xlsx_response(rows, filename=f"{self.csv_name}.xlsx", title=title)
        return csv_response(rows, filename=f"{self.csv_name}.csv")

    def csv_rows(self, queryset, serializer, names):
        """The header `names`, then each record's values as the serializer gives them."""
        serializer_class = type(serializer)
        yield names
        records = queryset.iterator(chunk_size=self.csv_chunk_size)
        # One serializer a chunk (many=True): its fields are built once, not once a row
        # (building a model serializer's fields took most of a row's time).
        while chunk := list(islice(records, self.csv_chunk_size)):
            context = self.get_serializer_context()
            for data in serializer_class(chunk, many=True, context=context).data:
                yield [_flatten(data.get(n)) for n in names]


# --- CSV import -----------------------------------------------------------------------------


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=(
            "A CSV named .csv (or .txt): UTF-8 text with a header row; at most 5 MB and 5,000 rows."
        ),
        validators=[validate_csv_upload],
    )
    dry_run = serializers.BooleanField(default=False, help_text="Check every row and save none.")


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="As a spreadsheet numbers it: the header is 1.")
    column = serializers.CharField(allow_blank=True, help_text="Empty for the whole row or file.")
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    imported = serializers.IntegerField()
    dry_run = serializers.BooleanField()
    errors = ImportErrorSerializer(many=True, help_text=f"The first {imports.MAX_ERRORS}, by row.")
    error_count = serializers.IntegerField(help_text="How many errors there are in all.")


class CSVImportMixin:
    """`POST <list>/import/`: an uploaded CSV through the viewset's `importer` (a function of
    text, dry_run and by, as core.imports builds them): 200 when every row is valid (imported
    unless a dry run), 400 with the bad rows and columns otherwise (nothing imported)."""

    importer = None

    @extend_schema(
        summary="Import from CSV, all rows or none (dry run: check only)",
        request={
            "multipart/form-data": OpenApiRequest(
                ImportRequestSerializer,
                # What the upload check takes (core.uploads): a CSV by name and content.
                encoding={
                    "file": {
                        "contentType": "text/csv, text/plain",
                        "headers": {
                            "Content-Disposition": {
                                "description": "The file's name ends .csv (or .txt).",
                                "schema": {
                                    "type": "string",
                                    "example": 'form-data; name="file"; filename="import.csv"',
                                },
                            }
                        },
                    }
                },
            )
        },
        responses={200: ImportReportSerializer, 400: ImportReportSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser],
        filter_backends=[],
    )
    def import_csv(self, request):
        serializer = ImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload, dry_run = serializer.validated_data["file"], serializer.validated_data["dry_run"]
        try:
            text = imports.decode(upload.read())
        except imports.BadFile as bad:
            raise exceptions.ValidationError({"file": [str(bad)]}) from None
        report = self.importer(text=text, dry_run=dry_run, by=request.user)
        body = ImportReportSerializer(
            {
                "rows": report.rows,
                "imported": report.imported,
                "dry_run": dry_run,
                "errors": report.errors,
                "error_count": report.error_count,
            }
        ).data
        return Response(
            body, status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST
        )


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Any other path under /api/: a JSON 404 (401 first for anonymous callers), never the
    HTML page of the site."""

    permission_classes = [permissions.IsAuthenticated]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound("No such API endpoint.")

    def get(self, request, *args, **kwargs):  # pragma: no cover - initial() always raises
        raise exceptions.NotFound("No such API endpoint.")

    post = put = patch = delete = get
