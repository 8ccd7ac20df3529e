from datetime import date, datetime

from django.urls import path, register_converter

from kvis import briefing_views, views


class MonthConverter:
    """A reporting month in URLs: YYYY-MM, given to views as the month's first day."""

    regex = r"\d{4}-\d{2}"

    def to_python(self, value: str) -> date:
        return datetime.strptime(value, "%Y-%m").date()  # noqa: DTZ007 - a calendar month

    def to_url(self, value) -> str:
        return value if isinstance(value, str) else f"{value:%Y-%m}"


register_converter(MonthConverter, "month")

app_name = "kvis"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("catalogue/", views.KVIListView.as_view(), name="list"),
    path("updates/", views.UpdateListView.as_view(), name="updates"),
    path("approvals/", views.ApprovalQueueView.as_view(), name="approvals"),
    path("periods/", views.PeriodListView.as_view(), name="periods"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("packs/", views.PackListView.as_view(), name="packs"),
    path("packs/<int:pk>/status/", views.PackStatusView.as_view(), name="pack_status"),
    path("packs/<int:pk>/issue/", views.PackIssueView.as_view(), name="pack_issue"),
    path("packs/<int:pk>/pdf/", views.PackDownloadView.as_view(), name="pack_pdf"),
    path("packs/<int:pk>/book/", briefing_views.PackBriefingView.as_view(), name="pack_book"),
    path("<slug:code>/", views.KVIDetailView.as_view(), name="detail"),
    path("<slug:code>/<month:month>/", views.UpdateDetailView.as_view(), name="update"),
    path("<slug:code>/<month:month>/edit/", views.UpdateEditView.as_view(), name="update_edit"),
    path(
        "<slug:code>/<month:month>/preview/",
        views.UpdatePreviewView.as_view(),
        name="update_preview",
    ),
    path("<slug:code>/<month:month>/submit/", views.UpdateSubmitView.as_view(), name="submit"),
    path("<slug:code>/<month:month>/approve/", views.UpdateApproveView.as_view(), name="approve"),
    path("<slug:code>/<month:month>/return/", views.UpdateReturnView.as_view(), name="return"),
    path("<slug:code>/<month:month>/correct/", views.UpdateCorrectView.as_view(), name="correct"),
]
