"""The KVIs' serializers: KVIs with their measures, monthly updates and committee packs."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import Day, JSONBody, MonthField, RoundedDecimal
from core.models import Committee
from kvis import selectors
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
    locked = serializers.SerializerMethodField()
    locked_by = serializers.SerializerMethodField()

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
            "locked",
            "locked_by",
        ]
        read_only_fields = fields

    def _locks(self, update: KVIUpdate) -> tuple[set, dict]:
        """The locks of the update's KVI: given by the view as `locks`, else read here."""
        return self.context.get("locks") or selectors.update_locks(update.kvi)

    def get_locked(self, update: KVIUpdate) -> bool:
        """Whether the update's month is locked for its KVI (by hand or by an issued pack)."""
        by_hand, by_pack = self._locks(update)
        return update.month in by_hand or update.month in by_pack

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_locked_by(self, update: KVIUpdate) -> int | None:
        """The id of the issued pack that locked the update's month for its KVI, or null."""
        return self._locks(update)[1].get(update.month)


class ResultInputSerializer(JSONBody):
    measure = serializers.IntegerField(help_text="The measure's id (see the KVI).")
    actual = RoundedDecimal(max_digits=12, decimal_places=2, allow_null=True)
    met_on = Day(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class UpdateSaveSerializer(JSONBody):
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
            "kind",
            "version",
            "superseded_by",
            "changes",
            "issued_at",
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


class PackRequestSerializer(JSONBody):
    committee = serializers.SlugRelatedField(slug_field="code", queryset=Committee.objects.all())
    month = MonthField(help_text="YYYY-MM")
    force_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="An approver may force a build with unapproved KVIs, giving a reason.",
    )
