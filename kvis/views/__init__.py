"""KVI pages. Each view parses input, calls a selector or a service, and renders."""

from kvis.views.months import (
    ImportView,
    PackDownloadView,
    PackIssueView,
    PackListView,
    PackStatusView,
    PeriodListView,
)
from kvis.views.pages import (
    ApprovalQueueView,
    DashboardView,
    KVIDetailView,
    KVIListView,
    UpdateListView,
)
from kvis.views.updates import (
    UpdateApproveView,
    UpdateCorrectView,
    UpdateDetailView,
    UpdateEditView,
    UpdatePreviewView,
    UpdateReturnView,
    UpdateSubmitView,
)

__all__ = [
    "ApprovalQueueView",
    "DashboardView",
    "ImportView",
    "KVIDetailView",
    "KVIListView",
    "PackDownloadView",
    "PackIssueView",
    "PackListView",
    "PackStatusView",
    "PeriodListView",
    "UpdateApproveView",
    "UpdateCorrectView",
    "UpdateDetailView",
    "UpdateEditView",
    "UpdateListView",
    "UpdatePreviewView",
    "UpdateReturnView",
    "UpdateSubmitView",
]
