"""Pages of the registers: thin adapters from a form or a query string to a service or selector."""

from issues.views.forms import (  # noqa: F401
    ActionDoneNowView,
    ActionDoneView,
    BreachCreateView,
    BreachRecordNotificationView,
    BreachRecordResolutionView,
    BreachUpdateView,
    CommunicationCreateView,
    CommunicationUpdateView,
    IssueChildMixin,
    IssueCreateView,
    IssueScoreView,
    IssueStatusView,
    IssueUpdateView,
    RegisterFormView,
    TaskCreateView,
    TaskUpdateView,
    VersionedUpdateView,
)
from issues.views.pages import (  # noqa: F401
    BreachDetailView,
    BreachListView,
    CommunicationDetailView,
    CommunicationListView,
    IssueDetailView,
    IssueListView,
    IssueTableCacheMixin,
    MatrixView,
    OverviewView,
    PublishedRegisterView,
    RegisterListView,
)
