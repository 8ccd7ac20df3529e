"""The plans' API: plans with their step, RAG and what the next gate still needs, and the
transition through a gate (409 with the gate's message when it refuses)."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import (
    CSVExportMixin,
    JSONBody,
    RolePermission,
    VersionedRetrieveMixin,
    expected_version,
    with_etag,
)
from core.schema import VersionField
from kvis.models import RagChoices
from performance_plans import rules, selectors, services
from performance_plans.filters import PlanFilter
from performance_plans.models import OutcomeChoices, Plan, StepChoices


class PlanSerializer(serializers.ModelSerializer):
    party = serializers.CharField(source="party.name", read_only=True)
    outcome = serializers.ChoiceField(
        choices=OutcomeChoices.choices,
        allow_blank=True,
        read_only=True,
        help_text="Empty until the plan is closed.",
    )
    rag = serializers.SerializerMethodField()
    next_step = serializers.SerializerMethodField()
    next_step_missing = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "party",
            "step",
            "rag",
            "next_step",
            "next_step_missing",
            "mandated_on",
            "meeting_held_on",
            "notified_on",
            "reviews_start_on",
            "next_review_on",
            "escalation_flagged_on",
            "outcome",
            "closed_on",
            "version",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=RagChoices.choices))
    def get_rag(self, plan: Plan) -> str:
        """The RAG of the latest review held (not_reported before any)."""
        return getattr(plan, "latest_rag", None) or "not_reported"

    @extend_schema_field(serializers.ChoiceField(choices=StepChoices.choices, allow_null=True))
    def get_next_step(self, plan: Plan) -> str | None:
        following = rules.TRANSITIONS.get(rules.Step(plan.step))
        return following.value if following else None

    def get_next_step_missing(self, plan: Plan) -> list[str]:
        """What the next step's gate still needs; empty when the plan may move on."""
        following = rules.TRANSITIONS.get(rules.Step(plan.step))
        if following is None:
            return []
        return rules.gate_missing(following, selectors.plan_facts(plan))


class TransitionSerializer(JSONBody):
    to = serializers.ChoiceField(choices=StepChoices.choices, help_text="The step to move to.")
    version = VersionField()


@extend_schema_view(
    list=extend_schema(summary="Plans you may read, with step, RAG and the next gate's needs"),
    retrieve=extend_schema(summary="One plan"),
)
class PlanViewSet(
    CSVExportMixin, VersionedRetrieveMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    permission_classes = [RolePermission]
    read_permission = "performance_plans.view_plan"
    write_permission = "performance_plans.change_plan"
    serializer_class = PlanSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = PlanFilter
    csv_name = "plans"

    def get_queryset(self):
        return selectors.plans_visible_to(self.request.user).order_by("-created_at", "-id")

    @extend_schema(
        summary="Move a plan to a step through that step's gate (needs its version)",
        request=TransitionSerializer,
        responses={
            200: PlanSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors"),
            409: OpenApiResponse(
                OpenApiTypes.OBJECT, description="The gate's message, or a stale version"
            ),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def transition(self, request, pk=None):
        plan = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = expected_version(request)
        services.plan_transition(
            plan=plan, to=serializer.validated_data["to"], by=request.user, version=version
        )
        plan = self.get_queryset().get(pk=plan.pk)
        return with_etag(Response(self.get_serializer(plan).data), plan.version)
