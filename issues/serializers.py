"""The registers' serializers: what the API reads and writes for issues, breaches and
communications (enumerations lower case, levels as low|medium|high, moments ISO 8601)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import JSONBody, Moment, RoundedDecimal
from core.audience import RestrictedFieldsMixin
from core.models import Organisation
from core.schema import VersionField
from issues import rules, selectors
from issues.models import (
    CHECKLIST,
    Breach,
    Category,
    Communication,
    CommunicationKind,
    IdentifiedBy,
    Issue,
    IssueStatus,
    Severity,
)
from kvis.models import RagChoices

LEVEL_NAMES = {value: label.lower() for value, label in rules.LEVELS.items()}
LEVEL_VALUES = {name: value for value, name in LEVEL_NAMES.items()}
CLOCK_MET = {"met": True, "missed": False, "overdue": False}


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


# --- Issues ---------------------------------------------------------------------------------


class RequiredActionSerializer(serializers.Serializer):
    action = serializers.CharField(source="kind")
    due = Moment(source="due_at")
    done_at = Moment(allow_null=True)


class IssueSerializer(RestrictedFieldsMixin, serializers.ModelSerializer):
    """An issue; customers, MPRNs and owner only for the roles whose pages show them."""

    restricted_permission = "issues.view_internal_issue"
    restricted_fields = ("customers", "mprn_count", "owner")
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


class IssueCreateSerializer(JSONBody):
    title = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=Category.choices)
    identified_by = serializers.ChoiceField(choices=IdentifiedBy.choices)
    identified_at = Moment()
    impact = LevelField()
    financial_level = LevelField()
    customers = _customers_field()
    mprn_count = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class IssuePatchSerializer(JSONBody):
    version = VersionField()
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
    impact = LevelField(required=False, help_text="Re-scores; the other level stays as it is.")
    financial_level = LevelField(
        required=False, help_text="Re-scores; the other level stays as it is."
    )


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


class BreachCreateSerializer(JSONBody):
    severity = serializers.ChoiceField(choices=Severity.choices)
    identified_at = Moment()
    description = serializers.CharField()
    customers = _customers_field()
    notified_at = Moment(required=False, allow_null=True, default=None)
    resolved_at = Moment(required=False, allow_null=True, default=None)
    root_cause = serializers.CharField(required=False, allow_blank=True, default="")
    actions = serializers.CharField(required=False, allow_blank=True, default="")


class BreachPatchSerializer(JSONBody):
    version = VersionField()
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


class IssueMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    new_count = serializers.IntegerField(help_text="Issues identified in the month.")
    unscored = serializers.IntegerField(help_text="Of those, not scored yet.")
    by_band = serializers.DictField(
        child=serializers.IntegerField(), help_text="New issues by band name."
    )
    identified_by_provider_pct = serializers.FloatField(allow_null=True)
    aq_count = serializers.IntegerField(help_text="New AQ defects.")
    aq_by_provider_pct = serializers.FloatField(allow_null=True)
    open_count = serializers.IntegerField(help_text="Issues open at the month's end.")
    overdue_count = serializers.IntegerField(help_text="Required actions and tasks overdue.")
    rag = serializers.ChoiceField(choices=RagChoices.choices)
    explanation = serializers.CharField()


def monthly_with_as_issued(figures: type[serializers.Serializer]) -> type:
    """The monthly response: `figures` as they are now, `as_issued` (the same figures as
    printed in the pack the month was first issued in, with `pack` its id; null until the
    month is issued) and `late_entries` (references recorded after issue)."""
    name = figures.__name__.removesuffix("MonthSerializer")
    as_issued = type(
        f"{name}AsIssuedSerializer",
        (figures,),
        {"pack": serializers.IntegerField(help_text="The issued pack these figures come from.")},
    )
    return type(
        f"{name}MonthlySerializer",
        (figures,),
        {
            "as_issued": as_issued(
                allow_null=True,
                help_text="As printed in the pack the month was first issued in; null until then.",
            ),
            "late_entries": serializers.ListField(
                child=serializers.CharField(),
                help_text="References of the month's records added or corrected after issue.",
            ),
        },
    )


# --- Communications -------------------------------------------------------------------------

CHECKLIST_FIELDS = [name for name, _ in CHECKLIST]


class ChecklistSerializer(JSONBody):
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
    framework_score = serializers.DecimalField(
        max_digits=3,
        decimal_places=1,
        coerce_to_string=False,
        allow_null=True,
        help_text="The weights of the framework points met; score differs only with score_reason.",
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
            "framework_score",
            "score_reason",
            "weights_version",
            "owner",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(ChecklistSerializer)
    def get_checklist(self, comm) -> dict:
        return {name: getattr(comm, name) for name in CHECKLIST_FIELDS}


class CommunicationCreateSerializer(JSONBody):
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
    score = RoundedDecimal(
        max_digits=3,
        decimal_places=1,
        min_value=0,
        max_value=10,
        coerce_to_string=False,
        required=False,
        allow_null=True,
        help_text="Leave out to take the framework's score; another score needs score_reason.",
    )
    score_reason = serializers.CharField(required=False, allow_blank=True, default="")


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


IssueMonthlySerializer = monthly_with_as_issued(IssueMonthSerializer)
BreachMonthlySerializer = monthly_with_as_issued(BreachMonthSerializer)
CommunicationMonthlySerializer = monthly_with_as_issued(CommunicationMonthSerializer)
