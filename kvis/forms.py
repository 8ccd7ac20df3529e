from __future__ import annotations

from datetime import date

from django import forms

from core.calendar import kvi_year_label, kvi_year_start
from core.uploads import validate_csv_upload
from kvis.models import KVI, Measure, MeasureKind, MeasureResult, RagChoices

FOLLOW_SUGGESTION = ""


class DashboardFilterForm(forms.Form):
    committee = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="All committees", label="Committee"
    )
    kvi_year = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="KVI year"
    )

    def __init__(self, *args, committees, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees
        self.fields["kvi_year"].choices = [("", "Last 12 months")] + [
            (y, kvi_year_label(y)) for y in years
        ]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"


class UpdateForm(forms.Form):
    """A month's update: one actual per hand-entered measure, the narrative, the RAG."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    figures = forms.CharField(
        label="Figures as reported (text)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="How the month's figures read in the pack, e.g. 'Critical 0, High 0, Low 3'.",
    )
    last_update = forms.CharField(
        label="Last update", widget=forms.Textarea(attrs={"rows": 4}), required=True
    )
    drivers = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    next_update = forms.CharField(
        label="Next update",
        max_length=200,
        required=False,
        help_text="A date or text, e.g. \"Jan'21 following Dec'20 survey\".",
    )
    reported_rag = forms.ChoiceField(
        label="Reported RAG",
        required=False,
        choices=[(FOLLOW_SUGGESTION, "Follow the suggestion")] + list(RagChoices.choices),
        help_text="Choose a different RAG only with a written justification.",
    )
    override_justification = forms.CharField(
        label="Override justification", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, measures: list[Measure], results: dict[int, MeasureResult], **kw):
        super().__init__(*args, **kw)
        self.entry_measures = [
            m for m in measures if m.kind not in (MeasureKind.REGISTER, MeasureKind.NARRATIVE)
        ]
        for m in self.entry_measures:
            result = results.get(m.id)
            if m.kind == MeasureKind.MILESTONE:
                self.fields[f"met_on_{m.id}"] = forms.DateField(
                    label=f"{m.name}: met on",
                    required=False,
                    initial=result.met_on if result else None,
                    widget=forms.DateInput(attrs={"type": "date"}),
                    help_text=f"Due {m.target_display()}. Leave empty while not met.",
                )
            else:
                limits = {"percentage": (0, 100), "score": (0, 10)}.get(m.kind, (0, None))
                self.fields[f"actual_{m.id}"] = forms.DecimalField(
                    label=f"{m.name}: actual",
                    required=False,
                    min_value=limits[0],
                    max_value=limits[1],
                    max_digits=12,
                    decimal_places=2,
                    initial=result.actual if result else None,
                    help_text=f"Target {m.target_display()}.",
                )

    def result_inputs(self):
        from kvis.services import ResultInput

        inputs = []
        for m in self.entry_measures:
            if m.kind == MeasureKind.MILESTONE:
                inputs.append(ResultInput(m.id, None, self.cleaned_data.get(f"met_on_{m.id}")))
            else:
                inputs.append(ResultInput(m.id, self.cleaned_data.get(f"actual_{m.id}")))
        return inputs


class VersionForm(forms.Form):
    """Workflow buttons carry the version the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ReturnForm(VersionForm):
    """Return to draft, with a reason: undoing an approval needs the approver's written reason;
    for a submitted update it says what the owner should change (shown on their My updates)."""

    reason = forms.CharField(
        label="Reason", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label="Why is the issued update being corrected?", widget=forms.Textarea(attrs={"rows": 3})
    )


class LockForm(forms.Form):
    month = forms.DateField(
        label="Month to lock",
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m"],
    )
    reason = forms.CharField(max_length=200, initial="Pack issued")


class CsvImportForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("results", "Measure results"), ("measures", "Measures (measure cards)")]
    )
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8, comma separated, header row; at most 5 MB.",
        validators=[validate_csv_upload],
    )


def kvi_years(kvis: list[KVI], today: date) -> list[int]:
    """KVI years from the earliest KVI to this one, newest first."""
    first = min((kvi_year_start(k.active_from) for k in kvis), default=kvi_year_start(today))
    return list(range(kvi_year_start(today), first - 1, -1))


class PackRequestForm(forms.Form):
    committee = forms.ModelChoiceField(queryset=None, label="Committee")
    month = forms.DateField(
        label="Month",
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m"],
        help_text="YYYY-MM",
    )
    force_reason = forms.CharField(
        label="Force with reason (approvers only)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only when some KVIs are not approved; the pack prints it on its cover.",
    )

    def __init__(self, *args, committees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees
