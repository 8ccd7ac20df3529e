from django.urls import path

from meetings import my_updates, views

app_name = "meetings"

urlpatterns = [
    path("", views.MeetingListView.as_view(), name="index"),
    path("my-updates/", my_updates.MyUpdatesView.as_view(), name="my_updates"),
    path(
        "my-updates/<int:meeting_pk>/<int:kvi_pk>/preview/",
        my_updates.MyUpdatePreviewView.as_view(),
        name="my_update_preview",
    ),
    path("forward-plan/", views.ForwardPlanView.as_view(), name="forward_plan"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("<int:pk>/", views.MeetingDetailView.as_view(), name="detail"),
    path("<int:pk>/decisions/", views.DecisionRecordView.as_view(), name="decision_add"),
    path("<int:pk>/actions/", views.ActionCreateView.as_view(), name="action_add"),
    path(
        "<int:pk>/actions/<int:action_pk>/complete/",
        views.ActionCompleteView.as_view(),
        name="action_complete",
    ),
]
