"""The committees' forward plans and monthly packs, and each pack's deliveries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords


class ForwardPlanItem(models.Model):
    """A decision coming to a committee: the pack's forward plan."""

    committee = models.ForeignKey(
        "core.Committee", on_delete=models.CASCADE, related_name="forward_plan"
    )
    decision_date = models.DateField("proposed date of decision")
    item = models.CharField(max_length=300)
    service_area = models.CharField(max_length=200, blank=True)
    champion = models.CharField("champion", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["decision_date", "item"]

    def __str__(self) -> str:
        return f"{self.decision_date:%d %b %Y} {self.item}"


class PackStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    BUILDING = "building", "Building"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class PackKind(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"


def pack_upload_to(pack: Pack, filename: str) -> str:
    name = f"v{pack.version}" if pack.kind == PackKind.ISSUED else f"draft-{pack.version}"
    return f"packs/{pack.committee.code}/{pack.month:%Y-%m}/{name}.pdf"


class CycleState(models.TextChoices):
    OPEN = "open", "Open"
    DRAFTED = "drafted", "Draft pack ready for review"
    ISSUED = "issued", "Issued"
    CORRECTED = "corrected", "Corrected and re-issued"


class ReportingCycle(models.Model):
    """A committee's month: open → drafted (draft packs previewed) → issued → corrected and
    re-issued. The services move it; its state shows on the packs, dashboard and months pages."""

    committee = models.ForeignKey("core.Committee", on_delete=models.CASCADE, related_name="cycles")
    month = models.DateField(help_text="The first day of the month.")
    state = FSMField(max_length=10, choices=CycleState, default=CycleState.OPEN, protected=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-month", "committee"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "month"], name="one_cycle_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.committee.code} {self.month:%B %Y}: {self.get_state_display()}"

    @transition(
        field=state, source=[CycleState.OPEN, CycleState.DRAFTED], target=CycleState.DRAFTED
    )
    def record_draft(self) -> None:
        """A draft pack was previewed; the month is not issued yet."""

    @transition(field=state, source=[CycleState.OPEN, CycleState.DRAFTED], target=CycleState.ISSUED)
    def issue(self) -> None:
        """The first version is issued: e-mailed to the members, its KVIs' month locked."""

    @transition(
        field=state, source=[CycleState.ISSUED, CycleState.CORRECTED], target=CycleState.CORRECTED
    )
    def reissue(self) -> None:
        """A later version is issued after a correction or late entries."""


class Pack(models.Model):
    """A committee's monthly pack: one PDF per version, frozen with the inputs it was built from."""

    committee = models.ForeignKey("core.Committee", on_delete=models.PROTECT, related_name="packs")
    month = models.DateField()
    kind = models.CharField(max_length=6, choices=PackKind, default=PackKind.DRAFT)
    version = models.PositiveIntegerField(
        help_text="Numbered per kind: draft 1, 2, … and issued v1, v2, …"
    )
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changes = models.JSONField(
        default=list, blank=True, help_text="What changed since the previous issued version."
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)
    status = FSMField(max_length=10, choices=PackStatus, default=PackStatus.QUEUED, protected=False)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    forced_reason = models.TextField(
        blank=True, help_text="Why the pack was built although some KVIs were not approved."
    )
    not_approved = models.JSONField(
        default=list, blank=True, help_text="KVI codes not approved when a forced pack was built."
    )
    inputs = models.JSONField(
        default=dict, blank=True, help_text="The approved update revisions the pack was built from."
    )
    built_at = models.DateTimeField(null=True, blank=True)
    build_seconds = models.FloatField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=pack_upload_to, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    snapshot = models.JSONField(
        default=dict,
        blank=True,
        help_text="What the pack printed (build time, document, figures): it rebuilds from this.",
    )
    snapshot_sha256 = models.CharField(max_length=64, blank=True)
    history = HistoricalRecords(excluded_fields=["snapshot"])

    class Meta:
        ordering = ["-month", "committee", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "month", "kind", "version"], name="one_pack_per_kind_version"
            )
        ]
        permissions = [("view_all_packs", "Can read every committee's packs")]

    def __str__(self) -> str:
        return f"{self.committee.code} {self.month:%B %Y} {self.label}"

    @property
    def label(self) -> str:
        """ "v2" for an issued version, "draft 3" for a draft."""
        return f"v{self.version}" if self.kind == PackKind.ISSUED else f"draft {self.version}"

    @property
    def file_name(self) -> str:
        """The name the PDF is downloaded and attached under."""
        label = self.label.replace(" ", "-")
        return f"{self.committee.code}-{self.month:%Y-%m}-{label}.pdf"

    # The build, in one place: a new pack is queued; kvis.packs moves it on.
    @transition(field=status, source=PackStatus.QUEUED, target=PackStatus.BUILDING)
    def start_build(self) -> None:
        """Queued → building: an attempt begins."""
        self.attempts += 1
        self.error = ""

    @transition(
        field=status, source=[PackStatus.BUILDING, PackStatus.FAILED], target=PackStatus.BUILDING
    )
    def retry_build(self) -> None:
        """An interrupted (or failed) build starts again, into the same file."""
        self.attempts += 1
        self.error = ""

    @transition(field=status, source=PackStatus.BUILDING, target=PackStatus.READY)
    def mark_ready(self) -> None:
        """Building → ready: the file is stored; a ready pack never builds again."""

    @transition(
        field=status, source=[PackStatus.QUEUED, PackStatus.BUILDING], target=PackStatus.FAILED
    )
    def mark_failed(self, error: str) -> None:
        """Queued or building → failed, with the error shown to users."""
        self.error = error[:2000]


class PackDelivery(models.Model):
    """The pack e-mailed to one committee member."""

    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    email = models.EmailField()
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["pack", "email"]
        constraints = [
            models.UniqueConstraint(fields=["pack", "email"], name="one_delivery_per_recipient")
        ]

    def __str__(self) -> str:
        return f"{self.pack} to {self.email}"
