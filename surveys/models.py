"""Surveys of the customer's voice: surveys, their categories and questions, rounds with
per-category scores, imported responses, "You said, we did" feedback, and the tolerance settings
the survey RAG uses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from core.models import VersionedSettings

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


def kvi_year_lookup(field: str, start_year: int) -> dict[str, date]:
    """Filter arguments for dates in the KVI year that starts on 1 April of `start_year`."""
    return {f"{field}__gte": date(start_year, 4, 1), f"{field}__lt": date(start_year + 1, 4, 1)}


class SurveySettings(VersionedSettings):
    """The tolerance the survey RAG uses (DOMAIN rule 3). Rows are versions: a change adds a
    row; the trend page and the pack show the version their RAG was worked out with. Version 1
    comes from the data migration."""

    amber_tolerance = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("5"),
        validators=PERCENT,
        help_text="Points below the target that are still Amber rather than Red.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta(VersionedSettings.Meta):
        verbose_name = "survey settings version"
        verbose_name_plural = "survey settings"

    def __str__(self) -> str:
        return f"Survey settings v{self.version}"


class Survey(models.Model):
    """A survey run in rounds (trust, change, or another an admin adds)."""

    key = models.SlugField(
        max_length=40, unique=True, help_text="Short key; the KVI rules read 'trust' and 'change'."
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    default_target = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("95"),
        validators=PERCENT,
        help_text="Target percentage a new round starts with.",
    )
    scale_min = models.PositiveSmallIntegerField(default=1, help_text="Lowest answer allowed.")
    scale_max = models.PositiveSmallIntegerField(default=5, help_text="Highest answer allowed.")
    favourable_from = models.PositiveSmallIntegerField(
        default=4, help_text="Answers at or above this count as favourable in a score."
    )
    display_order = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["display_order", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.scale_min >= self.scale_max:
            raise ValidationError({"scale_max": "The scale must go up: max above min."})
        if not self.scale_min <= self.favourable_from <= self.scale_max:
            raise ValidationError({"favourable_from": "Favourable must be a point on the scale."})


class Category(models.Model):
    """A category a survey scores (overall trust, strategic decisions, ...)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    is_headline = models.BooleanField(
        default=False,
        help_text=(
            "The category the KVI's RAG follows. Computed from responses, a headline with no "
            "questions of its own is the share of favourable answers to every question."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["survey", "position", "id"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["survey", "name"], name="category_name_per_survey"),
            models.UniqueConstraint(
                fields=["survey"],
                condition=models.Q(is_headline=True),
                name="one_headline_category_per_survey",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """A question of a survey, answered on the survey's scale, counted in one category."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(max_length=20, help_text="The CSV column heading, e.g. S1.")
    text = models.CharField(max_length=300)
    category = models.ForeignKey(Category, on_delete=models.RESTRICT, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["survey", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="question_code_per_survey")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"

    def clean(self) -> None:
        if self.category_id and self.survey_id and self.category.survey_id != self.survey_id:
            raise ValidationError({"category": "The category must belong to the same survey."})


class RoundQuerySet(models.QuerySet):
    def of_survey(self, survey: Survey) -> RoundQuerySet:
        """Rounds of one survey."""
        return self.filter(survey=survey)

    def held_on_or_before(self, day: date) -> RoundQuerySet:
        """Rounds held on or before `day`."""
        return self.filter(held_on__lte=day)


class Round(models.Model):
    """One round of a survey: when it ran, who answered, and its scores by category."""

    class ScoreSource(models.TextChoices):
        ENTERED = "entered", "Entered directly"
        IMPORTED = "imported", "Computed from imported responses"

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="rounds")
    label = models.CharField(max_length=100, help_text='How reports name it, e.g. "Nov 2020".')
    held_on = models.DateField(help_text="The date the round closed; it counts from then on.")
    period_start = models.DateField(null=True, blank=True, help_text="Period covered: from.")
    period_end = models.DateField(null=True, blank=True, help_text="Period covered: to.")
    respondents = models.PositiveIntegerField(default=0)
    target = models.DecimalField(max_digits=5, decimal_places=2, validators=PERCENT)
    source = models.CharField(
        max_length=300, blank=True, help_text="Where the figures come from (a report, a tool)."
    )
    score_source = models.CharField(
        max_length=10, choices=ScoreSource.choices, default=ScoreSource.ENTERED
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Increases on every save; a stale version is refused."
    )
    history = HistoricalRecords()

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["survey", "-held_on"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "held_on"], name="one_round_per_survey_day"),
            models.UniqueConstraint(fields=["survey", "label"], name="round_label_per_survey"),
        ]

    def __str__(self) -> str:
        return f"{self.survey.name} – {self.label}"

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "The period must end on or after it starts."})


class CategoryScore(models.Model):
    """A round's score for one category, as a percentage."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="scores")
    category = models.ForeignKey(Category, on_delete=models.RESTRICT, related_name="scores")
    score = models.DecimalField(max_digits=5, decimal_places=2, validators=PERCENT)
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "category__position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "category"], name="one_score_per_category")
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.score} %"


class Response(models.Model):
    """One respondent's answers in a round (imported from CSV)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    respondent = models.CharField(max_length=100)
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "respondent"]
        constraints = [
            models.UniqueConstraint(fields=["round", "respondent"], name="one_response_each")
        ]

    def __str__(self) -> str:
        return self.respondent


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.RESTRICT, related_name="answers")
    value = models.PositiveSmallIntegerField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["response", "question__position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_each")
        ]

    def __str__(self) -> str:
        return f"{self.question.code}={self.value}"


class FeedbackStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class FeedbackQuerySet(models.QuerySet):
    def in_kvi_year(self, start_year: int) -> FeedbackQuerySet:
        """Items raised in the KVI year that starts on 1 April of `start_year`."""
        return self.filter(**kvi_year_lookup("raised_on", start_year))


class YouSaidWeDid(models.Model):
    """Feedback from a survey or a meeting, and what the provider did about it."""

    class Source(models.TextChoices):
        SURVEY = "survey", "Survey"
        MEETING = "meeting", "Meeting"

    raised_on = models.DateField()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SURVEY)
    round = models.ForeignKey(
        Round,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
        help_text="The survey round it came from, if any.",
    )
    organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="customer",
    )
    you_said = models.TextField("you said")
    we_did = models.TextField("we did", blank=True, help_text="The action taken.")
    owner = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=FeedbackStatus, default=FeedbackStatus.OPEN)
    outcome = models.TextField(blank=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Increases on every save; a stale version is refused."
    )
    history = HistoricalRecords()

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_on", "-id"]
        verbose_name = '"You said, we did" item'
        verbose_name_plural = '"You said, we did" items'

    def __str__(self) -> str:
        return self.you_said[:80]

    def clean(self) -> None:
        errors = {}
        if self.source == self.Source.MEETING and self.round_id:
            errors["round"] = "Feedback from a meeting has no survey round."
        if self.status == FeedbackStatus.DONE and not self.we_did.strip():
            errors["we_did"] = "Say what was done before marking it done."
        if errors:
            raise ValidationError(errors)
