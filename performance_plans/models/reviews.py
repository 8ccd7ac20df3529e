"""A running plan's records: review meetings with each action's progress, chases for the
party's updates, and escalations."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from kvis.models import RagChoices
from kvis.rules import Rag
from performance_plans.models.plans import Action, ActionRagChoices, Plan
from performance_plans.rules import ActionRag


class Review(models.Model):
    """A review meeting: scheduled automatically, then recorded when held (step 4)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reviews")
    scheduled_on = models.DateField()
    held_on = models.DateField(null=True, blank=True)
    attendees = models.TextField(blank=True, help_text="Who attended, one per line.")
    notes = models.TextField(blank=True)
    plan_rag = models.CharField(
        max_length=12, choices=RagChoices.choices, default=RagChoices.NOT_REPORTED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "scheduled_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "scheduled_on"], name="one_review_per_plan_date"
            )
        ]

    def __str__(self) -> str:
        return f"Review of {self.plan} on {self.scheduled_on:%d %b %Y}"

    @property
    def rag(self) -> Rag:
        return Rag(self.plan_rag)


class ActionProgress(models.Model):
    """An action's progress at a review, with its RAG against the straight-line expectation."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="progress")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="progress")
    percent_complete = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    expected_percent = models.DecimalField(max_digits=5, decimal_places=1)
    rag = models.CharField(max_length=12, choices=ActionRagChoices)
    settings_version = models.PositiveIntegerField()
    note = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "action"]
        constraints = [
            models.UniqueConstraint(fields=["review", "action"], name="one_progress_per_review")
        ]
        verbose_name_plural = "action progress"

    def __str__(self) -> str:
        return f"{self.action}: {self.percent_complete}%"

    @property
    def rag_colour(self) -> str:
        return ActionRag(self.rag).rag


class Chase(models.Model):
    """PAFA asking the party for its update; unanswered chases in a row lead to escalation."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="chases")
    chased_on = models.DateField()
    chased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    method = models.CharField(max_length=100, default="E-mail")
    answered = models.BooleanField(
        default=False, help_text="The party provided its update in response."
    )
    note = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "chased_on", "pk"]

    def __str__(self) -> str:
        return f"Chase of {self.plan} on {self.chased_on:%d %b %Y}"


class EscalationTarget(models.TextChoices):
    CUSTOMER_OPS = "customer_ops", "Customer Ops team"
    CAM = "cam", "Customer Advocate Manager (CAM)"


class Escalation(models.Model):
    """The record that a party not engaging was escalated to Customer Ops or its CAM."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="escalations")
    escalated_to = models.CharField(max_length=20, choices=EscalationTarget)
    escalated_on = models.DateField()
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recipients = models.TextField(blank=True, help_text="E-mail addresses notified.")
    missed_updates = models.PositiveIntegerField()
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "escalated_on", "pk"]

    def __str__(self) -> str:
        return f"{self.plan} escalated to {self.get_escalated_to_display()}"
