"""KVIs, their measure cards, reporting periods, results and monthly updates, and packs.

One module per part; every model is imported from here (`from kvis.models import KVI`).
"""

from kvis.models.catalogue import (
    KVI,
    Commitment,
    Direction,
    Frequency,
    KVIQuerySet,
    Measure,
    MeasureKind,
    RagChoices,
    RagSettings,
)
from kvis.models.late import RecordedAfterIssue
from kvis.models.packs import (
    CycleState,
    ForwardPlanItem,
    Pack,
    PackDelivery,
    PackKind,
    PackStatus,
    ReportingCycle,
    pack_upload_to,
)
from kvis.models.updates import (
    KVILock,
    KVIUpdate,
    KVIUpdateQuerySet,
    MeasureResult,
    ReportingPeriod,
    UpdateStatus,
    lock_message,
    month_lock_error,
)
from kvis.pack_sections import CommitteePackSection

__all__ = [
    "KVI",
    "Commitment",
    "CommitteePackSection",
    "CycleState",
    "Direction",
    "ForwardPlanItem",
    "Frequency",
    "KVILock",
    "KVIQuerySet",
    "KVIUpdate",
    "KVIUpdateQuerySet",
    "Measure",
    "MeasureKind",
    "MeasureResult",
    "Pack",
    "PackDelivery",
    "PackKind",
    "PackStatus",
    "RagChoices",
    "RagSettings",
    "RecordedAfterIssue",
    "ReportingCycle",
    "ReportingPeriod",
    "UpdateStatus",
    "lock_message",
    "month_lock_error",
    "pack_upload_to",
]
