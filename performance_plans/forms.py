"""Forms: they parse input; the services decide and save."""

from __future__ import annotations

from django import forms

from core.models import Committee, Organisation
from kvis.models import RagChoices
from performance_plans import selectors
from performance_plans.models import (
    Action,
    EscalationTarget,
    EvidenceKind,
    OutcomeChoices,
    Plan,
    RootCauseChoices,
)
from performance_plans.services import EDITABLE_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
EVIDENCE_NEEDS_SOMETHING = "Link a KVI, issue or breach, or upload a file (or both)."
CAUSE_NEEDS_EXPLANATION = "Explain this root cause, or untick it."


class PlanCreateForm(forms.Form):
    party = forms.ModelChoiceField(queryset=Organisation.objects.filter(is_party=True))
    title = forms.CharField(max_length=200)
    mandated_by = forms.ModelChoiceField(queryset=Committee.objects.all(), required=False)
    mandated_on = forms.DateField(
        required=False, widget=DATE, label="Mandated at the meeting of", help_text="Its date."
    )
    reviews_mandated = forms.BooleanField(
        required=False, label="PAC mandated regular review meetings"
    )
    review_interval_days = Plan._meta.get_field("review_interval_days").formfield(
        required=False,
        label="Days between reviews",
        help_text="Leave blank for the default (fortnightly when PAC mandates reviews).",
    )
    party_contact_name = forms.CharField(required=False, label="Party contract manager")
    party_contact_email = forms.EmailField(required=False, label="Party contract manager e-mail")
    cam_email = forms.EmailField(required=False, label="CAM e-mail")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in RootCauseChoices.choices:
            self.fields[f"cause_{value}"] = forms.BooleanField(
                required=False, label=f"Root cause: {label}"
            )
            self.fields[f"explain_{value}"] = forms.CharField(
                required=False,
                label=f"Explanation: {label}",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self):
        data = super().clean()
        for value, _label in RootCauseChoices.choices:
            if data.get(f"cause_{value}") and not data.get(f"explain_{value}", "").strip():
                self.add_error(f"explain_{value}", CAUSE_NEEDS_EXPLANATION)
        return data

    def root_causes(self) -> dict[str, str]:
        return {
            value: self.cleaned_data[f"explain_{value}"].strip()
            for value, _label in RootCauseChoices.choices
            if self.cleaned_data.get(f"cause_{value}")
        }


class PlanEditForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Plan
        fields = EDITABLE_FIELDS
        widgets = {
            "mandated_on": DATE,
            "meeting_held_on": DATE,
            "signed_for_party_on": DATE,
            "signed_for_provider_on": DATE,
            "notified_on": DATE,
            "meeting_notes": forms.Textarea(attrs={"rows": 3}),
        }


class GapForm(forms.Form):
    description = forms.CharField(max_length=300, label="Where performance misses expectations")
    expectation = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="What was expected"
    )


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(choices=EvidenceKind.choices)
    summary = forms.CharField(max_length=300)
    linked = forms.ChoiceField(required=False, label="Linked KVI, issue or breach")
    file = forms.FileField(required=False, help_text="PDF, PNG, JPEG, XLSX or CSV, at most 5 MB.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["linked"].choices = [("", "— none —"), *selectors.linkable_records()]

    def clean_linked(self) -> tuple[int, int] | None:
        value = self.cleaned_data["linked"]
        if not value:
            return None
        ct_id, obj_id = value.split(":")
        return int(ct_id), int(obj_id)

    def clean(self):
        data = super().clean()
        if not data.get("linked") and not data.get("file") and not self.errors:
            raise forms.ValidationError(EVIDENCE_NEEDS_SOMETHING)
        return data


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["description", "owner_side", "owner_name", "target", "start_on", "due_on"]
        widgets = {"start_on": DATE, "due_on": DATE}


class ReviewForm(forms.Form):
    held_on = forms.DateField(widget=DATE)
    attendees = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    plan_rag = forms.ChoiceField(
        label="RAG for the plan",
        choices=[c for c in RagChoices.choices if c[0] != RagChoices.NOT_REPORTED],
    )

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = list(actions)
        for action in self.actions:
            self.fields[f"progress_{action.pk}"] = forms.IntegerField(
                min_value=0,
                max_value=100,
                initial=action.percent_complete,
                label=f"% complete: {action.description}",
            )
            self.fields[f"note_{action.pk}"] = forms.CharField(
                required=False, max_length=300, label=f"Note: {action.description}"
            )

    def progress(self) -> dict[int, tuple[int, str]]:
        return {
            a.pk: (self.cleaned_data[f"progress_{a.pk}"], self.cleaned_data[f"note_{a.pk}"])
            for a in self.actions
        }


class ChaseForm(forms.Form):
    chased_on = forms.DateField(widget=DATE)
    method = forms.CharField(max_length=100, initial="E-mail")
    answered = forms.BooleanField(required=False, label="The party provided its update")
    note = forms.CharField(required=False, max_length=300)


class EscalationForm(forms.Form):
    escalated_to = forms.ChoiceField(choices=EscalationTarget.choices)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class TransitionForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    # Not required here: the gate into "Closed" names what is missing.
    outcome = forms.ChoiceField(
        required=False, choices=[("", "— choose —"), *OutcomeChoices.choices]
    )
    actions_taken = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Final documentation: actions taken",
    )
    results_achieved = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Final documentation: results achieved",
    )
    impact_notified_on = forms.DateField(
        required=False, widget=DATE, label="Contractual impact notified on"
    )
    impact_notified_by = forms.CharField(
        required=False, max_length=200, label="Contractual impact notified by"
    )
    impact_document = forms.FileField(
        required=False,
        label="Contractual impact notification",
        help_text="Required when improvement is insufficient. PDF, PNG, JPEG, XLSX or CSV.",
    )
