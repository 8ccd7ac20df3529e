from django.contrib.auth import get_user_model
from rest_framework import serializers

from core.api import Day, MonthField
from core.calendar import localdate
from core.models import Committee
from core.schema import VersionField
from kvis.models import ForwardPlanItem
from meetings import selectors, services
from meetings.models import Action, Meeting
from meetings.rules import ActionStatus, PlanStatus


class CommitteeCode(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Committee.objects.all(), **kwargs)


class MeetingSerializer(serializers.ModelSerializer):
    committee = serializers.CharField(source="committee.code", read_only=True)
    month_reviewed = MonthField(read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "committee",
            "date",
            "month_reviewed",
            "submission_deadline",
            "approval_deadline",
            "pack_issue_date",
            "location",
            "version",
        ]
        read_only_fields = fields


class MeetingWriteSerializer(serializers.Serializer):
    """A new meeting: the month and deadlines follow the committee's calendar unless given."""

    committee = CommitteeCode()
    date = Day()
    month_reviewed = MonthField(required=False)
    submission_deadline = Day(required=False)
    approval_deadline = Day(required=False)
    pack_issue_date = Day(required=False)
    location = serializers.CharField(required=False, allow_blank=True, max_length=200)


class MeetingPatchSerializer(serializers.Serializer):
    version = VersionField()
    date = Day(required=False)
    month_reviewed = MonthField(required=False)
    submission_deadline = Day(required=False)
    approval_deadline = Day(required=False)
    pack_issue_date = Day(required=False)
    location = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ActionSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    status = serializers.SerializerMethodField(
        help_text=f"Derived today: {', '.join(s.value for s in ActionStatus)}."
    )

    class Meta:
        model = Action
        fields = [
            "id",
            "meeting",
            "title",
            "owner_name",
            "owner",
            "start",
            "due",
            "completed_on",
            "completion_note",
            "status",
            "version",
        ]
        read_only_fields = fields

    def get_status(self, action) -> str:
        """Derived today: complete, delayed or on_target."""
        return action.status_on(localdate()).value


def _users():
    return get_user_model().objects.filter(is_active=True)


class ActionWriteSerializer(serializers.Serializer):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all())
    title = serializers.CharField(max_length=300)
    owner_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    owner = serializers.SlugRelatedField(
        slug_field="username", queryset=_users(), required=False, allow_null=True
    )
    start = Day(required=False)
    due = Day()


class ActionPatchSerializer(serializers.Serializer):
    """Admins change any field; an owner only marks the action complete (`completion_note`)."""

    version = VersionField()
    title = serializers.CharField(max_length=300, required=False)
    owner_name = serializers.CharField(max_length=200, required=False)
    owner = serializers.SlugRelatedField(
        slug_field="username", queryset=_users(), required=False, allow_null=True
    )
    start = Day(required=False)
    due = Day(required=False)
    completed_on = Day(required=False, allow_null=True)
    completion_note = serializers.CharField(required=False, allow_blank=True)


class ForwardPlanItemSerializer(serializers.ModelSerializer):
    committee = serializers.CharField(source="committee.code", read_only=True)
    status = serializers.SerializerMethodField(
        help_text=f"{', '.join(s.value for s in PlanStatus)}."
    )
    version = serializers.SerializerMethodField()

    class Meta:
        model = ForwardPlanItem
        fields = [
            "id",
            "committee",
            "decision_date",
            "item",
            "service_area",
            "champion",
            "status",
            "version",
        ]
        read_only_fields = fields

    def get_status(self, item) -> str:
        return selectors.plan_item_status(item).value

    def get_version(self, item) -> int:
        return services.forward_plan_version(item)


class ForwardPlanItemWriteSerializer(serializers.Serializer):
    committee = CommitteeCode()
    decision_date = Day()
    item = serializers.CharField(max_length=300)
    service_area = serializers.CharField(max_length=200, required=False, allow_blank=True)
    champion = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ForwardPlanItemPatchSerializer(serializers.Serializer):
    version = VersionField()
    committee = CommitteeCode(required=False)
    decision_date = Day(required=False)
    item = serializers.CharField(max_length=300, required=False)
    service_area = serializers.CharField(max_length=200, required=False, allow_blank=True)
    champion = serializers.CharField(max_length=200, required=False, allow_blank=True)
