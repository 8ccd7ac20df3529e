"""The KVIs' API: KVIs with their measures, and each month's update with the rules' result.

Writes go through kvis.services: a locked month or a stale version is 409 with its message.
"""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import (
    CSVExportMixin,
    RolePermission,
    expected_version,
    parse_month,
    with_etag,
)
from core.calendar import MONTH_PATTERN
from kvis import selectors, services
from kvis.filters import KVIFilter
from kvis.models import KVI
from kvis.serializers import (
    KVISerializer,
    PackRequestSerializer,
    PackSerializer,
    UpdateSaveSerializer,
    UpdateSerializer,
)

UPDATES_MONTH = OpenApiParameter(
    "month",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=False,
    description="Only this month's updates, YYYY-MM.",
    pattern=MONTH_PATTERN,
)


@extend_schema_view(
    list=extend_schema(summary="KVIs with their measures and committees"),
    retrieve=extend_schema(summary="One KVI"),
)
class KVIViewSet(
    CSVExportMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [RolePermission]
    read_permission = "kvis.view_kvi"
    write_permission = ("kvis.add_kviupdate", "kvis.change_kviupdate")
    serializer_class = KVISerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = KVIFilter
    lookup_field = "code"
    csv_name = "kvis"

    def get_queryset(self):
        return (
            selectors.kvis_for_listing()
            .prefetch_related("measures")
            .order_by("display_order", "code")
        )

    @extend_schema(
        methods=["GET"],
        summary="A KVI's updates (every revision, newest first), optionally for one month",
        parameters=[UPDATES_MONTH],
        responses={200: UpdateSerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Save the month's draft update; its suggested RAG is recomputed",
        request=UpdateSaveSerializer,
        responses={
            200: UpdateSerializer,
            201: UpdateSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors"),
            409: OpenApiResponse(
                OpenApiTypes.OBJECT, description="Locked month, stale version, not a draft"
            ),
        },
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def updates(self, request, code=None):
        kvi = self.get_object()
        if request.method == "POST":
            return self._save(request, kvi)
        updates = selectors.kvi_updates(kvi)
        if "month" in request.query_params:
            updates = updates.filter(month=parse_month(request.query_params["month"]))
        page = self.paginate_queryset(updates)
        context = {"locks": selectors.update_locks(kvi)}
        return self.get_paginated_response(UpdateSerializer(page, many=True, context=context).data)

    def _save(self, request, kvi: KVI) -> Response:
        serializer = UpdateSaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        measures = set(kvi.measures.values_list("id", flat=True))
        unknown = [r["measure"] for r in data["results"] if r["measure"] not in measures]
        if unknown:
            raise serializers.ValidationError(
                {"results": [f"Not a measure of {kvi.code}: {unknown}."]}
            )
        existing = selectors.current_update(kvi, data["month"])
        version = data.get("version")
        if version is None and request.headers.get("If-Match"):
            version = expected_version(request)
        # An existing update without a version is refused by the service (409), as a stale one.
        update = services.update_save(
            kvi=kvi,
            month=data["month"],
            by=request.user,
            figures=data["figures"],
            last_update=data["last_update"],
            drivers=data["drivers"],
            next_update=data["next_update"],
            reported_rag=data["reported_rag"],
            override_justification=data["justification"],
            results=[
                services.ResultInput(
                    measure_id=r["measure"], actual=r["actual"], met_on=r["met_on"], note=r["note"]
                )
                for r in data["results"]
            ],
            version=version,
        )
        code = status.HTTP_200_OK if existing else status.HTTP_201_CREATED
        body = UpdateSerializer(update, context={"locks": selectors.update_locks(kvi)}).data
        return with_etag(Response(body, status=code), update.version)


# --- Committee packs ------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Committee packs you may see, newest first"),
    retrieve=extend_schema(summary="A pack's status and, once ready, its download link"),
)
class PackViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [RolePermission]
    read_permission = "kvis.view_pack"
    write_permission = "kvis.add_pack"
    serializer_class = PackSerializer
    filter_backends = []

    def get_queryset(self):
        from kvis import packs

        return packs.packs_visible_to(self.request.user).order_by("-requested_at", "-id")

    @extend_schema(
        summary="Request a committee pack build; poll its status URL",
        request=PackRequestSerializer,
        responses={
            202: PackSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors"),
            409: OpenApiResponse(
                OpenApiTypes.OBJECT, description="Not ready (unapproved KVIs) or queue down"
            ),
        },
    )
    def create(self, request):
        from kvis import packs

        serializer = PackRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        pack = packs.pack_request(
            committee=data["committee"],
            month=data["month"],
            by=request.user,
            force_reason=data["force_reason"],
        )
        body = PackSerializer(pack, context=self.get_serializer_context()).data
        return Response(
            body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["status_url"]}
        )

    @extend_schema(
        summary="Issue a ready draft: the next version, e-mailed to the members once built",
        request=None,
        responses={
            200: PackSerializer,
            409: OpenApiResponse(
                OpenApiTypes.OBJECT, description="Not an approver, not a ready draft, out of date"
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        """Issue the draft; when its inputs equal the latest issued version's, that version is
        answered and nothing is made."""
        from kvis import cycle

        issued = cycle.pack_issue(draft=self.get_object(), by=request.user)
        return Response(PackSerializer(issued, context=self.get_serializer_context()).data)
