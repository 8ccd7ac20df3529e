from django.urls import path

from issues import views

app_name = "issues"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="index"),
    path("matrix/", views.MatrixView.as_view(), name="matrix"),
    path("register/", views.PublishedRegisterView.as_view(), name="register"),
    path("list/", views.IssueListView.as_view(), name="issue_list"),
    path("new/", views.IssueCreateView.as_view(), name="issue_create"),
    path("<int:pk>/", views.IssueDetailView.as_view(), name="issue_detail"),
    path("<int:pk>/edit/", views.IssueUpdateView.as_view(), name="issue_update"),
    path("<int:pk>/score/", views.IssueScoreView.as_view(), name="issue_score"),
    path("<int:pk>/status/", views.IssueStatusView.as_view(), name="issue_status"),
    path("<int:pk>/tasks/new/", views.TaskCreateView.as_view(), name="task_create"),
    path("tasks/<int:pk>/edit/", views.TaskUpdateView.as_view(), name="task_update"),
    path("actions/<int:pk>/done/", views.ActionDoneView.as_view(), name="action_done"),
    path("actions/<int:pk>/done-now/", views.ActionDoneNowView.as_view(), name="action_done_now"),
    path("breaches/", views.BreachListView.as_view(), name="breach_list"),
    path("breaches/new/", views.BreachCreateView.as_view(), name="breach_create"),
    path("breaches/<int:pk>/", views.BreachDetailView.as_view(), name="breach_detail"),
    path("breaches/<int:pk>/edit/", views.BreachUpdateView.as_view(), name="breach_update"),
    path(
        "breaches/<int:pk>/record-notification/",
        views.BreachRecordNotificationView.as_view(),
        name="breach_record_notification",
    ),
    path(
        "breaches/<int:pk>/record-resolution/",
        views.BreachRecordResolutionView.as_view(),
        name="breach_record_resolution",
    ),
    path("communications/", views.CommunicationListView.as_view(), name="communication_list"),
    path(
        "communications/new/",
        views.CommunicationCreateView.as_view(),
        name="communication_create",
    ),
    path(
        "communications/<int:pk>/",
        views.CommunicationDetailView.as_view(),
        name="communication_detail",
    ),
    path(
        "communications/<int:pk>/edit/",
        views.CommunicationUpdateView.as_view(),
        name="communication_update",
    ),
]
