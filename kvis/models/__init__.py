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
from kvis.models.packs import ForwardPlanItem, Pack, PackDelivery, PackStatus, pack_upload_to
from kvis.models.updates import (
    KVIUpdate,
    KVIUpdateQuerySet,
    MeasureResult,
    ReportingPeriod,
    UpdateStatus,
    month_lock_error,
)

__all__ = [
    "KVI",
    "Commitment",
    "Direction",
    "ForwardPlanItem",
    "Frequency",
    "KVIQuerySet",
    "KVIUpdate",
    "KVIUpdateQuerySet",
    "Measure",
    "MeasureKind",
    "MeasureResult",
    "Pack",
    "PackDelivery",
    "PackStatus",
    "RagChoices",
    "RagSettings",
    "ReportingPeriod",
    "UpdateStatus",
    "month_lock_error",
    "pack_upload_to",
]
