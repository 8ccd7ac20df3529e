"""The issue register, the data-breach register, customer communications and their
configuration (scoring matrix and bands, breach policy). One module per part; import from here."""

# The framework's weights live in their own module; imported here so Django registers them.
from issues.comms_weights import CommsWeights  # noqa: F401
from issues.models.breaches import (  # noqa: F401
    CHECKLIST,
    Breach,
    BreachQuerySet,
    Communication,
    CommunicationKind,
    CommunicationQuerySet,
    ReminderSent,
    Severity,
)
from issues.models.common import (  # noqa: F401
    FINANCIAL_HELP,
    IMPACT_HELP,
    LEVEL_CHOICES,
    _in_future,
    month_bounds,
)
from issues.models.config import (  # noqa: F401
    Band,
    BreachPolicy,
    ScoringMatrix,
)
from issues.models.register import (  # noqa: F401
    ActionKind,
    Category,
    IdentifiedBy,
    Issue,
    IssueAction,
    IssueActionQuerySet,
    IssueQuerySet,
    IssueScoring,
    IssueStatus,
    RectificationTask,
    RectificationTaskQuerySet,
    is_scored,
)
