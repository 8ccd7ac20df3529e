"""The reporting calendar's API: meetings, action logs and forward-plan items (list, detail,
create, update with `version`), with the pages' permissions, selectors and services."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from core.api import (
    CSVExportMixin,
    RolePermission,
    VersionedRetrieveMixin,
    expected_version,
    with_etag,
)
from meetings import selectors, services
from meetings.filters import ActionFilter, ForwardPlanFilter, MeetingFilter
from meetings.serializers import (
    ActionPatchSerializer,
    ActionSerializer,
    ActionWriteSerializer,
    ForwardPlanItemPatchSerializer,
    ForwardPlanItemSerializer,
    ForwardPlanItemWriteSerializer,
    MeetingPatchSerializer,
    MeetingSerializer,
    MeetingWriteSerializer,
)

WRITE_ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description='Field errors: {"field": ["…"]}'),
    409: OpenApiResponse(OpenApiTypes.OBJECT, description="Refused: stale version or state"),
}


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _changes(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "version"}


class _Versioned(VersionedRetrieveMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [RolePermission]
    filter_backends = [DjangoFilterBackend]
    http_method_names = ["get", "post", "patch", "head", "options"]


@extend_schema_view(
    list=extend_schema(summary="Meetings with their month and deadlines"),
    retrieve=extend_schema(summary="One meeting"),
)
class MeetingViewSet(CSVExportMixin, _Versioned):
    read_permission = "meetings.view_meeting"
    write_permission = "meetings.change_meeting"
    write_permissions = {"create": "meetings.add_meeting"}
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    csv_name = "meetings"

    def get_queryset(self):
        return selectors.meetings_list().order_by("date", "id")

    @extend_schema(
        summary="Schedule a meeting; its deadlines follow the committee's calendar",
        request=MeetingWriteSerializer,
        responses={201: MeetingSerializer, **WRITE_ERRORS},
    )
    def create(self, request):
        data = dict(_valid(MeetingWriteSerializer, request.data))
        meeting = services.meeting_create(
            committee=data.pop("committee"), day=data.pop("date"), by=request.user, **data
        )
        body = MeetingSerializer(meeting).data
        return with_etag(Response(body, status=status.HTTP_201_CREATED), meeting.version)

    @extend_schema(
        summary="Change a meeting's date, month or deadlines (needs its current version)",
        request=MeetingPatchSerializer,
        responses={200: MeetingSerializer, **WRITE_ERRORS},
    )
    def partial_update(self, request, pk=None):
        meeting = self.get_object()
        data = _changes(_valid(MeetingPatchSerializer, request.data))
        meeting = services.meeting_update(
            meeting=meeting, data=data, version=expected_version(request), by=request.user
        )
        return with_etag(Response(MeetingSerializer(meeting).data), meeting.version)


@extend_schema_view(
    list=extend_schema(summary="Action log entries, with their derived status"),
    retrieve=extend_schema(summary="One action"),
)
class ActionViewSet(CSVExportMixin, _Versioned):
    read_permission = "meetings.view_action"
    write_permission = "meetings.change_action"
    write_permissions = {"create": "meetings.add_action"}
    serializer_class = ActionSerializer
    filterset_class = ActionFilter
    csv_name = "actions"

    def get_queryset(self):
        return selectors.actions_list()

    @extend_schema(
        summary="Raise an action at a meeting",
        request=ActionWriteSerializer,
        responses={201: ActionSerializer, **WRITE_ERRORS},
    )
    def create(self, request):
        data = dict(_valid(ActionWriteSerializer, request.data))
        action = services.action_create(meeting=data.pop("meeting"), data=data, by=request.user)
        body = ActionSerializer(action).data
        return with_etag(Response(body, status=status.HTTP_201_CREATED), action.version)

    @extend_schema(
        summary="Change an action (admins), or mark it complete with a note (its owner)",
        request=ActionPatchSerializer,
        responses={200: ActionSerializer, **WRITE_ERRORS},
    )
    def partial_update(self, request, pk=None):
        action = self.get_object()
        data = _changes(_valid(ActionPatchSerializer, request.data))
        version = expected_version(request)
        if request.user.has_perm("meetings.add_action"):
            action = services.action_update(
                action=action, data=data, version=version, by=request.user
            )
        elif set(data) <= {"completion_note", "completed_on"} and "completion_note" in data:
            action = services.action_complete(
                action=action, note=data["completion_note"], version=version, by=request.user
            )
        else:
            self.permission_denied(request, "An owner may only mark an action complete.")
        return with_etag(Response(ActionSerializer(action).data), action.version)


@extend_schema_view(
    list=extend_schema(summary="The forward plan: decisions coming to each committee"),
    retrieve=extend_schema(summary="One forward-plan item"),
)
class ForwardPlanItemViewSet(CSVExportMixin, _Versioned):
    read_permission = "kvis.view_forwardplanitem"
    write_permission = "kvis.change_forwardplanitem"
    write_permissions = {"create": "kvis.add_forwardplanitem"}
    serializer_class = ForwardPlanItemSerializer
    filterset_class = ForwardPlanFilter
    csv_name = "forward-plan"

    def get_queryset(self):
        return selectors.forward_plan()

    def retrieve(self, request, *args, **kwargs):
        item = self.get_object()
        body = ForwardPlanItemSerializer(item).data
        return with_etag(Response(body), body["version"])

    @extend_schema(
        summary="Add a decision to a committee's forward plan",
        request=ForwardPlanItemWriteSerializer,
        responses={201: ForwardPlanItemSerializer, **WRITE_ERRORS},
    )
    def create(self, request):
        item = services.forward_plan_item_create(
            data=_valid(ForwardPlanItemWriteSerializer, request.data), by=request.user
        )
        body = ForwardPlanItemSerializer(selectors.forward_plan().get(pk=item.pk)).data
        return with_etag(Response(body, status=status.HTTP_201_CREATED), body["version"])

    @extend_schema(
        summary="Change a forward-plan item (needs its current version)",
        request=ForwardPlanItemPatchSerializer,
        responses={200: ForwardPlanItemSerializer, **WRITE_ERRORS},
    )
    def partial_update(self, request, pk=None):
        item = self.get_object()
        data = _changes(_valid(ForwardPlanItemPatchSerializer, request.data))
        item = services.forward_plan_item_update(
            item=item, data=data, version=expected_version(request), by=request.user
        )
        body = ForwardPlanItemSerializer(selectors.forward_plan().get(pk=item.pk)).data
        return with_etag(Response(body), body["version"])
