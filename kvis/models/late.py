"""The mark a register record carries when it is dated into a month already issued."""

from __future__ import annotations

from django.db import models


class RecordedAfterIssue(models.Model):
    """Abstract: a register record (issue, breach, communication, survey round) dated into a
    month already issued in a committee's pack is accepted but marked with that pack, so the
    month's pages and the next pack show it as a late entry rather than a silent rewrite."""

    recorded_after_issue = models.ForeignKey(
        "kvis.Pack",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The issued pack of the record's month when it was added or corrected.",
    )
    recorded_after_issue_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True
