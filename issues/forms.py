"""Forms for customer-ops staff. Model validation runs in the form, so a bad date or level is
refused next to the field; the view then hands the cleaned data to a service."""

from django import forms
from django.contrib.auth import get_user_model

from core.models import Organisation
from issues.models import (
    CHECKLIST,
    LEVEL_CHOICES,
    Breach,
    Communication,
    Issue,
    IssueStatus,
    RectificationTask,
)

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})
UNKNOWN_CHOICE = "Unknown customer: %(value)s is not one of the organisations on record."


def _people():
    return get_user_model().objects.filter(is_active=True).order_by("username")


class CustomerChoiceField(forms.ModelMultipleChoiceField):
    """Customers by name with their constituency; an unknown id is refused by name."""

    default_error_messages = {"invalid_choice": UNKNOWN_CHOICE}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(
            queryset=Organisation.objects.select_related("constituency").order_by("name"),
            widget=forms.SelectMultiple(attrs={"size": 6}),
            **kwargs,
        )

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.constituency})" if obj.constituency else obj.name


def version_field() -> forms.IntegerField:
    """The version the page was loaded at, sent back to refuse a stale (or repeated) save."""
    return forms.IntegerField(widget=forms.HiddenInput, required=False)


class VersionedForm(forms.ModelForm):
    """An edit form that carries the version it was loaded at, to refuse a stale save."""

    version = version_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True


class IssueForm(VersionedForm):
    affected_customers = CustomerChoiceField()
    impact = forms.TypedChoiceField(
        choices=[("", "Not scored yet"), *LEVEL_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=Issue._meta.get_field("impact").help_text,
    )
    financial = forms.TypedChoiceField(
        label="Financial/licence level",
        choices=[("", "Not scored yet"), *LEVEL_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=Issue._meta.get_field("financial").help_text,
    )

    class Meta:
        model = Issue
        fields = [
            "title",
            "description",
            "internal_notes",
            "category",
            "identified_by",
            "identified_at",
            "affected_customers",
            "mprns_affected",
            "impact",
            "financial",
            "owner",
        ]
        widgets = {"identified_at": DATETIME, "description": TEXT, "internal_notes": TEXT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()
        if self.instance.pk:
            # Scores change only through the explicit, audited re-score action.
            del self.fields["impact"]
            del self.fields["financial"]


class IssueScoreForm(forms.Form):
    impact = forms.TypedChoiceField(
        choices=LEVEL_CHOICES, coerce=int, help_text=Issue._meta.get_field("impact").help_text
    )
    financial = forms.TypedChoiceField(
        label="Financial/licence level",
        choices=LEVEL_CHOICES,
        coerce=int,
        help_text=Issue._meta.get_field("financial").help_text,
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Required when the issue has been scored before.",
    )
    version = version_field()


class IssueStatusForm(forms.Form):
    status = forms.ChoiceField(choices=IssueStatus.choices)
    at = forms.DateTimeField(label="When", widget=DATETIME, required=False, help_text="Empty: now.")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Required to reopen an issue.",
    )
    version = version_field()


class VersionReadForm(forms.Form):
    """A one-click action's only input: the version of the record the page showed."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ActionDoneForm(forms.Form):
    done_at = forms.DateTimeField(label="Done at", widget=DATETIME)


class TaskForm(VersionedForm):
    class Meta:
        model = RectificationTask
        fields = ["description", "owner", "due_date", "done_date"]
        widgets = {"due_date": DATE, "done_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()


class BreachForm(VersionedForm):
    customers_impacted = CustomerChoiceField()

    class Meta:
        model = Breach
        fields = [
            "severity",
            "identified_at",
            "description",
            "customers_impacted",
            "notified_at",
            "resolved_at",
            "owner",
            "root_cause",
            "actions",
        ]
        widgets = {
            "identified_at": DATETIME,
            "notified_at": DATETIME,
            "resolved_at": DATETIME,
            "description": TEXT,
            "root_cause": TEXT,
            "actions": TEXT,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()


class CommunicationForm(VersionedForm):
    recipients = CustomerChoiceField()

    class Meta:
        model = Communication
        fields = [
            "kind",
            "sent_at",
            "subject",
            "recipients",
            "distribution_lists",
            "issues",
            "breaches",
            *[field for field, _ in CHECKLIST],
            "quality_score",
            "score_reason",
            "owner",
        ]
        widgets = {"sent_at": DATETIME, "score_reason": forms.Textarea(attrs={"rows": 2})}
        labels = {**dict(CHECKLIST), "quality_score": "Adjusted score (out of 10)"}
        help_texts = {
            "quality_score": "Leave empty to take the framework's score: the weights of the "
            "points ticked above. Another score needs a reason."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quality_score"].required = False
        if self.instance.pk and not self.instance.score_adjusted:
            self.initial["quality_score"] = None  # the score follows the checklist
        self.fields["owner"].queryset = _people()
        self.fields["issues"].required = False
        self.fields["breaches"].required = False
