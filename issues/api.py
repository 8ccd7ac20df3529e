"""The registers' API: issues, breaches and communications, with the rules' results in them.

Thin adapters like the pages: input is checked by a serializer (400), written by the same
services (a refusal is 409), and read through the same selectors, filters and permissions.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.utils.functional import cached_property
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from core.api import (
    MONTH_PARAMETER,
    CSVExportMixin,
    Moment,
    RolePermission,
    VersionedRetrieveMixin,
    expected_version,
    month_string,
    required_month,
    with_etag,
)
from core.models import Organisation
from core.uploads import validate_csv_upload
from issues import importers, rules, selectors, services
from issues.filters import BreachFilter, CommunicationFilter, IssueFilter
from issues.models import (
    CHECKLIST,
    Breach,
    Category,
    Communication,
    CommunicationKind,
    IdentifiedBy,
    Issue,
    IssueAction,
    IssueStatus,
    Severity,
)
from kvis.models import RagChoices

LEVEL_NAMES = {value: label.lower() for value, label in rules.LEVELS.items()}
LEVEL_VALUES = {name: value for value, name in LEVEL_NAMES.items()}
CLOCK_MET = {"met": True, "missed": False, "overdue": False}

WRITE_ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description='Field errors: {"field": ["…"]}'),
    409: OpenApiResponse(OpenApiTypes.OBJECT, description="Refused: stale version or state"),
}


class LevelField(serializers.ChoiceField):
    """A 1–3 level as low|medium|high."""

    def __init__(self, **kwargs):
        super().__init__(choices=list(LEVEL_VALUES), **kwargs)

    def to_internal_value(self, data):
        return LEVEL_VALUES[super().to_internal_value(data)]

    def to_representation(self, value):
        return None if value is None else LEVEL_NAMES[value]


def _customers_field(**kwargs):
    return serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), many=True, required=False, **kwargs
    )


# --- CSV import -----------------------------------------------------------------------------


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV, UTF-8, with a header row; at most 5 MB.", validators=[validate_csv_upload]
    )
    dry_run = serializers.BooleanField(default=False, help_text="Check every row and save none.")


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="As a spreadsheet numbers it: the header is 1.")
    column = serializers.CharField()
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    imported = serializers.IntegerField()
    dry_run = serializers.BooleanField()
    errors = ImportErrorSerializer(many=True)


NOT_UTF8 = "The file is not UTF-8 text: save it as 'CSV UTF-8' and try again."


def _import(request, register: str) -> Response:
    """Run the register's importer on an uploaded CSV: 200 when every row is valid (imported
    unless a dry run), 400 with every bad row and column otherwise (nothing imported)."""
    data = _valid(ImportRequestSerializer, request.data)
    try:
        text = data["file"].read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise serializers.ValidationError({"file": [NOT_UTF8]}) from None
    report = importers.IMPORTERS[register](text=text, dry_run=data["dry_run"], by=request.user)
    body = ImportReportSerializer(
        {
            "rows": report.rows,
            "imported": report.imported,
            "dry_run": data["dry_run"],
            "errors": [
                {"row": e.row, "column": e.column, "message": e.message} for e in report.errors
            ],
        }
    ).data
    return Response(body, status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST)


class CSVImportMixin:
    """`POST <list>/import/`: the register's CSV importer (`import_register`)."""

    import_register = ""

    @extend_schema(
        summary="Import from CSV, all rows or none (dry run: check only)",
        request={"multipart/form-data": ImportRequestSerializer},
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
        return _import(request, self.import_register)


# --- Issues ---------------------------------------------------------------------------------


class RequiredActionSerializer(serializers.Serializer):
    action = serializers.CharField(source="kind")
    due = Moment(source="due_at")
    done_at = Moment(allow_null=True)


class IssueSerializer(serializers.ModelSerializer):
    impact = LevelField(read_only=True)
    financial_level = LevelField(source="financial", read_only=True)
    customers = serializers.PrimaryKeyRelatedField(
        source="affected_customers", many=True, read_only=True
    )
    mprn_count = serializers.IntegerField(source="mprns_affected", read_only=True)
    owner = serializers.CharField(source="owner.username", read_only=True)
    required_actions = RequiredActionSerializer(source="actions", many=True, read_only=True)

    class Meta:
        model = Issue
        fields = [
            "reference",
            "title",
            "description",
            "category",
            "identified_by",
            "identified_at",
            "customers",
            "mprn_count",
            "impact",
            "financial_level",
            "score",
            "band",
            "matrix_version",
            "required_actions",
            "status",
            "resolved_at",
            "closed_at",
            "owner",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class IssueCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=Category.choices)
    identified_by = serializers.ChoiceField(choices=IdentifiedBy.choices)
    identified_at = Moment()
    impact = LevelField()
    financial_level = LevelField()
    customers = _customers_field()
    mprn_count = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class IssuePatchSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, help_text="The version you read; or send If-Match."
    )
    status = serializers.ChoiceField(choices=IssueStatus.choices, required=False)
    status_at = Moment(required=False, help_text="When the status changed (default: now).")
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Needed to reopen or re-score."
    )
    identified_at = Moment(required=False)
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False)
    customers = _customers_field()
    mprn_count = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    impact = LevelField(required=False)
    financial_level = LevelField(required=False)

    def validate(self, attrs):
        if ("impact" in attrs) != ("financial_level" in attrs):
            raise serializers.ValidationError(
                {"financial_level": ["Re-scoring needs both impact and financial_level."]}
            )
        return attrs


class _CachedCountPaginator(Paginator):
    """Counts the filtered issues once per issue write (the key holds the query and the latest
    issue history row): COUNT(*) over 100k issues was a fifth of a list request."""

    @cached_property
    def count(self) -> int:
        query = f"{self.object_list.query}:{selectors.issue_list_stamp()}"
        key = "issue-count:" + hashlib.sha256(query.encode()).hexdigest()
        return cache.get_or_set(key, lambda: Paginator.count.func(self), 3600)


class IssuePagination(PageNumberPagination):
    django_paginator_class = _CachedCountPaginator


@extend_schema_view(
    list=extend_schema(summary="Issues, newest first, with the page's filters"),
    retrieve=extend_schema(summary="One issue, with its score, band and required actions"),
)
class IssueViewSet(
    CSVImportMixin,
    CSVExportMixin,
    VersionedRetrieveMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [RolePermission]
    pagination_class = IssuePagination
    read_permission = "issues.view_issue"
    write_permission = "issues.change_issue"
    write_permissions = {
        "create": ("issues.add_issue", "issues.rescore_issue"),
        "import_csv": ("issues.add_issue", "issues.rescore_issue"),
    }
    serializer_class = IssueSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = IssueFilter
    lookup_field = "reference"
    csv_name = "issues"
    import_register = "issues"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        # Actions by due time only: their default ordering ("issue", …) would join the issues.
        actions = Prefetch("actions", IssueAction.objects.order_by("due_at", "id"))
        return selectors.issue_list().prefetch_related(actions).order_by("-identified_at", "id")

    @extend_schema(
        summary="Record an issue; it is scored and its required actions scheduled",
        request=IssueCreateSerializer,
        responses={201: IssueSerializer, **WRITE_ERRORS},
    )
    def create(self, request):
        data = _valid(IssueCreateSerializer, request.data)
        issue = services.issue_create(
            title=data["title"],
            description=data["description"] or data["title"],
            category=data["category"],
            identified_by=data["identified_by"],
            identified_at=data["identified_at"],
            owner=request.user,
            affected_customers=data.get("customers", []),
            mprns_affected=data["mprn_count"],
            impact=data["impact"],
            financial=data["financial_level"],
            by=request.user,
        )
        issue = selectors.issue_detail(issue.pk)
        return with_etag(
            Response(IssueSerializer(issue).data, status=status.HTTP_201_CREATED), issue.version
        )

    @extend_schema(
        summary="Change an issue's status, dates or details (needs its current version)",
        request=IssuePatchSerializer,
        responses={200: IssueSerializer, **WRITE_ERRORS},
    )
    def partial_update(self, request, reference=None):
        issue = self.get_object()
        data = _valid(IssuePatchSerializer, request.data)
        version = expected_version(request)
        if "impact" in data and not request.user.has_perm("issues.rescore_issue"):
            self.permission_denied(request, "You may not re-score issues.")
        details = {
            name: data[key]
            for key, name in [
                ("identified_at", "identified_at"),
                ("title", "title"),
                ("description", "description"),
                ("mprn_count", "mprns_affected"),
            ]
            if key in data
        }
        with transaction.atomic():
            issue = services.issue_update(
                issue=issue, version=version, affected_customers=data.get("customers"), **details
            )
            if "impact" in data:
                issue = services.issue_score(
                    issue=issue,
                    impact=data["impact"],
                    financial=data["financial_level"],
                    by=request.user,
                    reason=data["reason"],
                )
            if "status" in data and data["status"] != issue.status:
                issue = services.issue_set_status(
                    issue=issue,
                    status=data["status"],
                    at=data.get("status_at"),
                    reason=data["reason"],
                    by=request.user,
                )
        issue = selectors.issue_detail(issue.pk)
        return with_etag(Response(IssueSerializer(issue).data), issue.version)


# --- Breaches -------------------------------------------------------------------------------


class BreachSerializer(serializers.ModelSerializer):
    customers = serializers.PrimaryKeyRelatedField(
        source="customers_impacted", many=True, read_only=True
    )
    owner = serializers.CharField(source="owner.username", read_only=True)
    notification_met = serializers.SerializerMethodField()
    resolution_met = serializers.SerializerMethodField()
    notification_clock = serializers.SerializerMethodField()
    resolution_clock = serializers.SerializerMethodField()

    class Meta:
        model = Breach
        fields = [
            "reference",
            "severity",
            "identified_at",
            "description",
            "customers",
            "notified_at",
            "resolved_at",
            "root_cause",
            "actions",
            "notification_due",
            "resolution_due",
            "notification_met",
            "resolution_met",
            "notification_clock",
            "resolution_clock",
            "policy_version",
            "owner",
            "version",
            "created_at",
        ]
        read_only_fields = fields

    def _clocks(self, breach):
        return selectors.breach_clocks(breach)

    def get_notification_met(self, breach) -> bool | None:
        return CLOCK_MET.get(self._clocks(breach).notification.state)

    def get_resolution_met(self, breach) -> bool | None:
        return CLOCK_MET.get(self._clocks(breach).resolution.state)

    def get_notification_clock(self, breach) -> str:
        """met, missed, open, overdue or not_applicable (medium and low: monthly report)."""
        return self._clocks(breach).notification.state

    def get_resolution_clock(self, breach) -> str:
        """met, missed, open or overdue."""
        return self._clocks(breach).resolution.state


class BreachCreateSerializer(serializers.Serializer):
    severity = serializers.ChoiceField(choices=Severity.choices)
    identified_at = Moment()
    description = serializers.CharField()
    customers = _customers_field()
    notified_at = Moment(required=False, allow_null=True, default=None)
    resolved_at = Moment(required=False, allow_null=True, default=None)
    root_cause = serializers.CharField(required=False, allow_blank=True, default="")
    actions = serializers.CharField(required=False, allow_blank=True, default="")


class BreachPatchSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, help_text="The version you read; or send If-Match."
    )
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    identified_at = Moment(required=False)
    description = serializers.CharField(required=False)
    customers = _customers_field()
    notified_at = Moment(required=False, allow_null=True)
    resolved_at = Moment(required=False, allow_null=True)
    root_cause = serializers.CharField(required=False, allow_blank=True)
    actions = serializers.CharField(required=False, allow_blank=True)


class SeverityCountsSerializer(serializers.Serializer):
    critical = serializers.IntegerField()
    high = serializers.IntegerField()
    medium = serializers.IntegerField()
    low = serializers.IntegerField()


class BreachMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    counts = SeverityCountsSerializer()
    deadlines_missed = serializers.IntegerField()
    rag = serializers.ChoiceField(choices=RagChoices.choices)
    explanation = serializers.CharField()
    policy_version = serializers.IntegerField()


@extend_schema_view(
    list=extend_schema(summary="Data breaches, newest first, with both clocks"),
    retrieve=extend_schema(summary="One breach with its clocks"),
)
class BreachViewSet(
    CSVImportMixin,
    CSVExportMixin,
    VersionedRetrieveMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [RolePermission]
    read_permission = "issues.view_breach"
    write_permission = "issues.change_breach"
    write_permissions = {"create": "issues.add_breach", "import_csv": "issues.add_breach"}
    serializer_class = BreachSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = BreachFilter
    lookup_field = "reference"
    csv_name = "breaches"
    import_register = "breaches"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.breach_list().order_by("-identified_at", "id")

    @extend_schema(
        summary="Log a breach; its notification and resolution clocks start",
        request=BreachCreateSerializer,
        responses={201: BreachSerializer, **WRITE_ERRORS},
    )
    def create(self, request):
        data = _valid(BreachCreateSerializer, request.data)
        breach = services.breach_create(
            severity=data["severity"],
            identified_at=data["identified_at"],
            description=data["description"],
            owner=request.user,
            customers_impacted=data.get("customers", []),
            notified_at=data["notified_at"],
            resolved_at=data["resolved_at"],
            root_cause=data["root_cause"],
            actions=data["actions"],
        )
        breach = selectors.breach_detail(breach.pk)
        return with_etag(
            Response(BreachSerializer(breach).data, status=status.HTTP_201_CREATED),
            breach.version,
        )

    @extend_schema(
        summary="Record notification or resolution, or correct a breach (needs its version)",
        request=BreachPatchSerializer,
        responses={200: BreachSerializer, **WRITE_ERRORS},
    )
    def partial_update(self, request, reference=None):
        breach = self.get_object()
        data = _valid(BreachPatchSerializer, request.data)
        version = expected_version(request)
        customers = data.pop("customers", None)
        data.pop("version", None)
        breach = services.breach_update(
            breach=breach, version=version, customers_impacted=customers, **data
        )
        breach = selectors.breach_detail(breach.pk)
        return with_etag(Response(BreachSerializer(breach).data), breach.version)

    @extend_schema(
        summary="A month's breaches by severity and the suggested RAG",
        parameters=[MONTH_PARAMETER],
        responses={200: BreachMonthSerializer},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def monthly(self, request):
        month = required_month(request)
        figures = selectors.breach_month(month)
        counts = {s: 0 for s in Severity.values}
        for clock in figures["clocks"]:
            counts[clock.breach.severity] += 1
        return Response(
            BreachMonthSerializer(
                {
                    "month": month_string(month),
                    "counts": counts,
                    "deadlines_missed": figures["deadlines_missed"],
                    "rag": figures["suggestion"].rag.value,
                    "explanation": figures["suggestion"].explanation,
                    "policy_version": figures["policy_version"],
                }
            ).data
        )


# --- Communications -------------------------------------------------------------------------

CHECKLIST_FIELDS = [name for name, _ in CHECKLIST]


class ChecklistSerializer(serializers.Serializer):
    """The framework checklist (DOMAIN rule 4): which points the communication covers."""

    def get_fields(self):
        return {
            name: serializers.BooleanField(default=False, help_text=words)
            for name, words in CHECKLIST
        }


class CommunicationSerializer(serializers.ModelSerializer):
    recipients = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    issues = serializers.SlugRelatedField(slug_field="reference", many=True, read_only=True)
    breaches = serializers.SlugRelatedField(slug_field="reference", many=True, read_only=True)
    checklist = serializers.SerializerMethodField()
    score = serializers.DecimalField(
        source="quality_score", max_digits=3, decimal_places=1, coerce_to_string=False
    )
    owner = serializers.CharField(source="owner.username", read_only=True)

    class Meta:
        model = Communication
        fields = [
            "reference",
            "kind",
            "sent_at",
            "subject",
            "recipients",
            "distribution_lists",
            "issues",
            "breaches",
            "checklist",
            "score",
            "owner",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(ChecklistSerializer)
    def get_checklist(self, comm) -> dict:
        return {name: getattr(comm, name) for name in CHECKLIST_FIELDS}


class CommunicationCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CommunicationKind.choices, default="ad_hoc")
    sent_at = Moment()
    subject = serializers.CharField(max_length=200)
    recipients = _customers_field()
    distribution_lists = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )
    issues = serializers.SlugRelatedField(
        slug_field="reference", queryset=Issue.objects.all(), many=True, required=False
    )
    breaches = serializers.SlugRelatedField(
        slug_field="reference", queryset=Breach.objects.all(), many=True, required=False
    )
    checklist = ChecklistSerializer(required=False)
    score = serializers.DecimalField(
        max_digits=3, decimal_places=1, min_value=0, max_value=10, coerce_to_string=False
    )


class CommunicationMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    count = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    change = serializers.FloatField(allow_null=True, help_text="From last month's mean.")
    year_to_date_mean = serializers.FloatField(
        allow_null=True, help_text="Mean of the KVI year's monthly means so far."
    )
    # "class" is a Python keyword: the field is added under that name below.
    rag = serializers.ChoiceField(choices=RagChoices.choices)
    explanation = serializers.CharField()

    def get_fields(self):
        fields = super().get_fields()
        fields["class"] = serializers.ChoiceField(
            choices=["exceeded_expectations", "met_expectations", "below_expectations", ""],
            help_text="The month's expectation class; empty when nothing was scored.",
        )
        return fields


def _snake(words: str) -> str:
    return words.lower().replace(" ", "_")


@extend_schema_view(
    list=extend_schema(summary="Communications, newest first, with checklist and score"),
    retrieve=extend_schema(summary="One communication"),
)
class CommunicationViewSet(
    CSVExportMixin, VersionedRetrieveMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    permission_classes = [RolePermission]
    read_permission = "issues.view_communication"
    write_permission = "issues.change_communication"
    write_permissions = {"create": "issues.add_communication"}
    serializer_class = CommunicationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = CommunicationFilter
    lookup_field = "reference"
    csv_name = "communications"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return (
            selectors.communication_list()
            .prefetch_related("issues", "breaches")
            .order_by("-sent_at", "id")
        )

    @extend_schema(
        summary="Record a communication with its checklist and quality score",
        request=CommunicationCreateSerializer,
        responses={201: CommunicationSerializer, **WRITE_ERRORS},
    )
    def create(self, request):
        data = _valid(CommunicationCreateSerializer, request.data)
        checklist = {name: False for name in CHECKLIST_FIELDS} | data.get("checklist", {})
        comm = services.communication_create(
            kind=data["kind"],
            sent_at=data["sent_at"],
            subject=data["subject"],
            quality_score=data["score"],
            owner=request.user,
            recipients=data.get("recipients", []),
            distribution_lists=data["distribution_lists"],
            issues=data.get("issues", []),
            breaches=data.get("breaches", []),
            **checklist,
        )
        comm = selectors.communication_detail(comm.pk)
        return with_etag(
            Response(CommunicationSerializer(comm).data, status=status.HTTP_201_CREATED),
            comm.version,
        )

    @extend_schema(
        summary="A month's mean score, change, KVI-year-to-date mean and class",
        parameters=[MONTH_PARAMETER],
        responses={200: CommunicationMonthSerializer},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def monthly(self, request):
        month = required_month(request)
        figures = selectors.comms_month(month)
        return Response(
            CommunicationMonthSerializer(
                {
                    "month": month_string(month),
                    "count": figures["count"],
                    "mean": figures["mean"],
                    "change": figures["change"],
                    "year_to_date_mean": figures["ytd_mean"],
                    "class": _snake(figures["class"]),
                    "rag": figures["suggestion"].rag.value,
                    "explanation": figures["suggestion"].explanation,
                }
            ).data
        )


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
