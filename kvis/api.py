"""The KVIs' API: KVIs with their measures, and each month's update with the rules' result.

Writes go through kvis.services: a locked month or a stale version is 409 with its message.
"""

from __future__ import annotations

from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import (
    CSVExportMixin,
    Day,
    MonthField,
    RolePermission,
    expected_version,
    parse_month,
    with_etag,
)
from core.models import Committee
from kvis import selectors, services
from kvis.filters import KVIFilter
from kvis.models import KVI, KVIUpdate, Measure, Pack, PackStatus, RagChoices


class MeasureSerializer(serializers.ModelSerializer):
    target = serializers.CharField(source="target_display", read_only=True)

    class Meta:
        model = Measure
        fields = ["id", "name", "kind", "frequency", "direction", "target", "rule_key"]
        read_only_fields = fields


class KVISerializer(serializers.ModelSerializer):
    committees = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    owner = serializers.CharField(source="owner.username", read_only=True, allow_null=True)
    measure = serializers.CharField(source="measure_text", read_only=True)
    measures = MeasureSerializer(many=True, read_only=True)

    class Meta:
        model = KVI
        fields = [
            "code",
            "title",
            "description",
            "scope",
            "measure",
            "owner",
            "committees",
            "active_from",
            "active_to",
            "measures",
        ]
        read_only_fields = fields


class UpdateSerializer(serializers.ModelSerializer):
    kvi = serializers.SlugRelatedField(slug_field="code", read_only=True)
    month = MonthField(read_only=True)
    explanation = serializers.CharField(source="suggestion_explanation", read_only=True)
    justification = serializers.CharField(source="override_justification", read_only=True)
    submitted_by = serializers.CharField(
        source="submitted_by.username", read_only=True, allow_null=True
    )
    approved_by = serializers.CharField(
        source="approved_by.username", read_only=True, allow_null=True
    )

    class Meta:
        model = KVIUpdate
        fields = [
            "kvi",
            "month",
            "revision",
            "is_current",
            "corrected_after_issue",
            "status",
            "figures",
            "last_update",
            "drivers",
            "next_update",
            "suggested_rag",
            "explanation",
            "rag_settings_version",
            "reported_rag",
            "justification",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


class ResultInputSerializer(serializers.Serializer):
    measure = serializers.IntegerField(help_text="The measure's id (see the KVI).")
    actual = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    met_on = Day(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class UpdateSaveSerializer(serializers.Serializer):
    month = MonthField(help_text="YYYY-MM")
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The version you read; needed when the month already has an update.",
    )
    figures = serializers.CharField(required=False, allow_blank=True, default="")
    last_update = serializers.CharField(required=False, allow_blank=True, default="")
    drivers = serializers.CharField(required=False, allow_blank=True, default="")
    next_update = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )
    reported_rag = serializers.ChoiceField(
        choices=RagChoices.choices,
        required=False,
        allow_null=True,
        default=None,
        help_text="Leave out to follow the suggested RAG; an override needs a justification.",
    )
    justification = serializers.CharField(required=False, allow_blank=True, default="")
    results = ResultInputSerializer(many=True, required=False, default=list)


UPDATES_MONTH = OpenApiParameter(
    "month",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=False,
    description="Only this month's updates, YYYY-MM.",
    pattern=r"^\d{4}-\d{2}$",
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
        return self.get_paginated_response(UpdateSerializer(page, many=True).data)

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
        return with_etag(Response(UpdateSerializer(update).data, status=code), update.version)


# --- Committee packs ------------------------------------------------------------------------


class PackSerializer(serializers.ModelSerializer):
    committee = serializers.SlugRelatedField(slug_field="code", read_only=True)
    month = MonthField(read_only=True)
    status_url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Pack
        fields = [
            "id",
            "committee",
            "month",
            "version",
            "status",
            "error",
            "requested_at",
            "built_at",
            "forced_reason",
            "not_approved",
            "size",
            "status_url",
            "download_url",
        ]
        read_only_fields = fields

    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_status_url(self, pack: Pack) -> str:
        return self._absolute(reverse("pack-detail", args=[pack.pk]))

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, pack: Pack) -> str | None:
        """The PDF, once the pack is ready."""
        if pack.status != PackStatus.READY:
            return None
        return self._absolute(reverse("kvis:pack_pdf", args=[pack.pk]))


class PackRequestSerializer(serializers.Serializer):
    committee = serializers.SlugRelatedField(slug_field="code", queryset=Committee.objects.all())
    month = MonthField(help_text="YYYY-MM")
    force_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="An approver may force a build with unapproved KVIs, giving a reason.",
    )


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
