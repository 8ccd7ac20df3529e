"""The surveys' API: rounds with their category scores, each with its RAG and change."""

from __future__ import annotations

from datetime import date

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from core.api import Day, JSONBody, RolePermission, RoundedDecimal
from kvis.models import RagChoices
from surveys import selectors, services
from surveys.models import Round, Survey

LAST_DAY = date(9999, 12, 31)


class RoundFilter(django_filters.FilterSet):
    survey = django_filters.CharFilter(field_name="survey__key", help_text="A survey's key.")

    class Meta:
        model = Round
        fields = ["survey"]


class CategoryResultSerializer(serializers.Serializer):
    category = serializers.CharField()
    is_headline = serializers.BooleanField()
    score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    change = serializers.DecimalField(
        max_digits=6,
        decimal_places=1,
        allow_null=True,
        help_text="Points since the survey's previous round (rounded to 0.1); null if new.",
    )
    direction = serializers.ChoiceField(choices=["up", "down", "same", "new", ""])
    rag = serializers.ChoiceField(choices=RagChoices.choices)
    explanation = serializers.CharField()


def _category_result(row: selectors.CategoryRow) -> dict:
    return {
        "category": row.name,
        "is_headline": row.is_headline,
        "score": row.score,
        "change": row.change.delta if row.change else None,
        "direction": row.change.direction if row.change else "",
        "rag": row.rag.rag.value,
        "explanation": row.rag.explanation,
    }


class RoundSerializer(serializers.ModelSerializer):
    survey = serializers.SlugRelatedField(slug_field="key", read_only=True)
    categories = serializers.SerializerMethodField()

    class Meta:
        model = Round
        fields = [
            "id",
            "survey",
            "label",
            "held_on",
            "period_start",
            "period_end",
            "respondents",
            "target",
            "source",
            "score_source",
            "categories",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(CategoryResultSerializer(many=True))
    def get_categories(self, round: Round) -> list[dict]:
        rows = self.context.setdefault("_rows", {})
        if round.pk not in rows:
            trend = selectors.survey_trend(round.survey, as_of=LAST_DAY)
            rows.update({rr.round.pk: rr.categories for rr in trend.rounds})
        return [_category_result(row) for row in rows.get(round.pk, [])]


class ScoreInputSerializer(JSONBody):
    category = serializers.CharField(help_text="The category's name, as in the survey.")
    score = RoundedDecimal(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, allow_null=True
    )


class RoundCreateSerializer(JSONBody):
    survey = serializers.SlugRelatedField(slug_field="key", queryset=Survey.objects.all())
    label = serializers.CharField(max_length=100)
    held_on = Day()
    respondents = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    target = RoundedDecimal(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False
    )
    period_start = Day(required=False, allow_null=True)
    period_end = Day(required=False, allow_null=True)
    source = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    scores = ScoreInputSerializer(many=True)

    def validate(self, attrs):
        categories = {c.name: c for c in attrs["survey"].categories.all()}
        unknown = [s["category"] for s in attrs["scores"] if s["category"] not in categories]
        if unknown:
            raise serializers.ValidationError(
                {"scores": [f"Not a category of this survey: {', '.join(unknown)}."]}
            )
        attrs["scores"] = {categories[s["category"]]: s["score"] for s in attrs["scores"]}
        headline = next((c for c in categories.values() if c.is_headline), None)
        if headline and attrs["scores"].get(headline) is None:
            message = services.HEADLINE_SCORE_NEEDED.format(category=headline.name)
            raise serializers.ValidationError({"scores": [message]})
        return attrs


@extend_schema_view(
    list=extend_schema(summary="Survey rounds, newest first, each category with RAG and change"),
    retrieve=extend_schema(summary="One round"),
)
class RoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [RolePermission]
    read_permission = "surveys.view_round"
    write_permission = ("surveys.add_round", "surveys.add_categoryscore")
    serializer_class = RoundSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = RoundFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return (
            Round.objects.select_related("survey")
            .prefetch_related("scores__category")
            .order_by("-held_on", "-id")
        )

    @extend_schema(
        summary="Record a round with its category scores",
        request=RoundCreateSerializer,
        responses={201: RoundSerializer},
    )
    def create(self, request):
        serializer = RoundCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        round = services.round_create(
            survey=data["survey"],
            label=data["label"],
            held_on=data["held_on"],
            respondents=data["respondents"],
            scores=data["scores"],
            target=data.get("target"),
            period_start=data.get("period_start"),
            period_end=data.get("period_end"),
            source=data["source"],
            user=request.user,
        )
        round = selectors.round_detail(round.pk)
        return Response(
            RoundSerializer(round, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )
