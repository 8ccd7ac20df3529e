"""Records every app shares: constituencies, organisations, committees, closure days, worker
heartbeats; and the abstract versioned-settings model every app's configuration builds on."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Constituency(models.Model):
    """A group of customers with a common interest (e.g. shippers, distribution networks)."""

    name = models.CharField(max_length=100, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "constituencies"

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A customer of the provider, a party whose performance is assured, or both."""

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=30, blank=True)
    constituency = models.ForeignKey(
        Constituency, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations"
    )
    is_customer = models.BooleanField(default=True)
    is_party = models.BooleanField(
        default=False, help_text="A party whose performance the PAC assures."
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="organisations",
        help_text="People who work for this organisation; they see only its plans.",
    )
    contract_manager = models.CharField(max_length=200, blank=True)
    contract_manager_email = models.EmailField(blank=True)
    history = HistoricalRecords(m2m_fields=[users])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Committee(models.Model):
    """A governance committee that receives the monthly pack (CoMC, PAC, ...)."""

    code = models.SlugField(max_length=20, unique=True, help_text="Short code, e.g. CoMC.")
    name = models.CharField(max_length=200)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="committees"
    )
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class WorkerHeartbeat(models.Model):
    """A row written by the Celery worker: proof that queued work is being executed."""

    hostname = models.CharField(max_length=200)
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-beat_at"]
        get_latest_by = "beat_at"

    def __str__(self) -> str:
        return f"{self.hostname} at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class ClosureDay(models.Model):
    """A day the provider is closed beyond weekends and bank holidays: not a business day."""

    day = models.DateField(unique=True)
    reason = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%d %b %Y} {self.reason}"


class SettingsMissing(LookupError):
    """No version of a configuration exists: its data migration has not run."""


class VersionedSettings(models.Model):
    """Configuration a committee changes, kept as numbered versions: a change is a new row, the
    rows before it stay as they were, and each result stamps the version it used.

    `current()` only reads. The first version comes from the app's data migration, so reading a
    page never writes a row.
    """

    version = models.PositiveIntegerField(unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True
        ordering = ["-version"]
        get_latest_by = "version"

    @classmethod
    def current(cls):
        """The latest version; SettingsMissing when none exists."""
        latest = cls.objects.order_by("-version").first()
        if latest is None:
            raise SettingsMissing(
                f"No {cls._meta.verbose_name} exists: run `manage.py migrate`, whose data "
                "migration creates the defaults."
            )
        return latest

    @classmethod
    def next_version(cls) -> int:
        """The number a new version takes (call inside the write's transaction)."""
        latest = cls.objects.select_for_update().order_by("-version").first()
        return latest.version + 1 if latest else 1
