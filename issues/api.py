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
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from core.api import (
    MONTH_PARAMETER,
    CSVExportMixin,
    CSVImportMixin,
    RolePermission,
    VersionedRetrieveMixin,
    expected_version,
    nested_texts,
    required_month,
    values_rows,
    with_etag,
)
from issues import importers, selectors, services
from issues.filters import BreachFilter, CommunicationFilter, IssueFilter
from issues.models import (
    IssueAction,
)
from issues.serializers import (
    CHECKLIST_FIELDS,
    BreachCreateSerializer,
    BreachMonthlySerializer,
    BreachPatchSerializer,
    BreachSerializer,
    CommunicationCreateSerializer,
    CommunicationMonthlySerializer,
    CommunicationSerializer,
    IssueCreateSerializer,
    IssueMonthlySerializer,
    IssuePatchSerializer,
    IssueSerializer,
)

WRITE_ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description='Field errors: {"field": ["…"]}'),
    409: OpenApiResponse(OpenApiTypes.OBJECT, description="Refused: stale version or state"),
}


# --- Issues ---------------------------------------------------------------------------------


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
    importer = staticmethod(importers.issues_import)
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        # Actions by due time only: their default ordering ("issue", …) would join the issues.
        actions = Prefetch("actions", IssueAction.objects.order_by("due_at", "id"))
        return selectors.issue_list().prefetch_related(actions).order_by("-identified_at", "id")

    def csv_rows(self, queryset, serializer, names):
        # Read with values_list, the serializer's fields giving each value: 100k issues in
        # seconds (a serializer over model instances took a minute).
        actions = serializer.fields["required_actions"].child
        return values_rows(
            queryset,
            serializer,
            names,
            related={
                "customers": selectors.issue_customer_ids,
                "required_actions": lambda pks: nested_texts(
                    selectors.issue_actions_of(pks), "issue_id", actions
                ),
            },
        )

    @extend_schema(
        summary="A month's issue figures (new by band, scored, open, overdue), now and as issued",
        parameters=[MONTH_PARAMETER],
        responses={200: IssueMonthlySerializer},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def monthly(self, request):
        month = required_month(request)
        figures = selectors.with_as_issued("issues", month, selectors.issue_month_figures(month))
        return Response(IssueMonthlySerializer(figures).data)

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
            Response(self.get_serializer(issue).data, status=status.HTTP_201_CREATED), issue.version
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
        rescore = "impact" in data or "financial_level" in data
        if rescore and not request.user.has_perm("issues.rescore_issue"):
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
            if rescore:
                # One level alone re-scores with the other as it is.
                issue = services.issue_score(
                    issue=issue,
                    impact=data.get("impact", issue.impact),
                    financial=data.get("financial_level", issue.financial),
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
        return with_etag(Response(self.get_serializer(issue).data), issue.version)


# --- Breaches -------------------------------------------------------------------------------


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
    importer = staticmethod(importers.breaches_import)
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
            Response(self.get_serializer(breach).data, status=status.HTTP_201_CREATED),
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
        return with_etag(Response(self.get_serializer(breach).data), breach.version)

    @extend_schema(
        summary="A month's breaches by severity and the suggested RAG, now and as issued",
        parameters=[MONTH_PARAMETER],
        responses={200: BreachMonthlySerializer},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def monthly(self, request):
        month = required_month(request)
        figures = selectors.with_as_issued("breaches", month, selectors.breach_month_figures(month))
        return Response(BreachMonthlySerializer(figures).data)


# --- Communications -------------------------------------------------------------------------


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
            quality_score=data.get("score"),
            score_reason=data["score_reason"],
            owner=request.user,
            recipients=data.get("recipients", []),
            distribution_lists=data["distribution_lists"],
            issues=data.get("issues", []),
            breaches=data.get("breaches", []),
            **checklist,
        )
        comm = selectors.communication_detail(comm.pk)
        return with_etag(
            Response(self.get_serializer(comm).data, status=status.HTTP_201_CREATED),
            comm.version,
        )

    @extend_schema(
        summary="A month's mean score, change, KVI-year-to-date mean and class, now and as issued",
        parameters=[MONTH_PARAMETER],
        responses={200: CommunicationMonthlySerializer},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def monthly(self, request):
        month = required_month(request)
        figures = selectors.with_as_issued(
            "communications", month, selectors.comms_month_figures(month)
        )
        return Response(CommunicationMonthlySerializer(figures).data)


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
