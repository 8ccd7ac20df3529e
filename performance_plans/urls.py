from django.urls import path

from performance_plans import views

app_name = "plans"

urlpatterns = [
    path("", views.PlanListView.as_view(), name="index"),
    path("new/", views.PlanCreateView.as_view(), name="create"),
    path("raci/", views.RaciMatrixView.as_view(), name="raci"),
    path("<int:pk>/", views.PlanDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.PlanEditView.as_view(), name="edit"),
    path("<int:pk>/move/", views.PlanTransitionView.as_view(), name="transition"),
    path("<int:pk>/close/", views.PlanCloseView.as_view(), name="close"),
    path("<int:pk>/gaps/new/", views.GapAddView.as_view(), name="gap_add"),
    path(
        "<int:pk>/gaps/<int:gap_pk>/evidence/new/",
        views.EvidenceAddView.as_view(),
        name="evidence_add",
    ),
    path("<int:pk>/actions/new/", views.ActionAddView.as_view(), name="action_add"),
    path(
        "<int:pk>/reviews/<int:review_pk>/record/",
        views.ReviewRecordView.as_view(),
        name="review_record",
    ),
    path("<int:pk>/chases/new/", views.ChaseAddView.as_view(), name="chase_add"),
    path("<int:pk>/escalations/new/", views.EscalationAddView.as_view(), name="escalation_add"),
    path("<int:pk>/files/<str:which>/<int:item>/", views.PlanFileView.as_view(), name="file"),
]
