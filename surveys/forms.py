"""Forms: a round with a score field per category, the CSV import, a feedback item."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from core.uploads import validate_csv_upload
from surveys.models import Round, Survey, YouSaidWeDid
from surveys.services import FEEDBACK_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def score_field_name(category) -> str:
    return f"score_{category.pk}"


class AsOfForm(forms.Form):
    """The month the overview is seen from: the rounds held by the end of it."""

    month = forms.DateField(
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(
            attrs={"type": "month", "class": "form-control form-control-sm"}, format="%Y-%m"
        ),
        label="As at the end of",
        error_messages={"invalid": "Give the month as YYYY-MM, e.g. 2020-11."},
    )


class RoundForm(forms.Form):
    """A round and its scores, one field per category of the survey (categories are data)."""

    label = forms.CharField(max_length=100, help_text='How reports name it, e.g. "Nov 2020".')
    held_on = forms.DateField(widget=DATE, help_text="The date the round closed.")
    period_start = forms.DateField(widget=DATE, required=False, label="Period covered: from")
    period_end = forms.DateField(widget=DATE, required=False, label="Period covered: to")
    respondents = forms.IntegerField(min_value=1)
    target = forms.DecimalField(
        min_value=Decimal("0"), max_value=Decimal("100"), decimal_places=2, label="Target (%)"
    )
    source = forms.CharField(max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.categories = list(survey.categories.all())
        for category in self.categories:
            self.fields[score_field_name(category)] = forms.DecimalField(
                label=f"{category.name} (%)",
                min_value=Decimal("0"),
                max_value=Decimal("100"),
                decimal_places=2,
                required=category.is_headline,
                help_text="The KVI's RAG follows this score." if category.is_headline else "",
            )

    @classmethod
    def initial_for(cls, round: Round) -> dict:
        initial = {
            name: getattr(round, name)
            for name in (
                "label",
                "held_on",
                "period_start",
                "period_end",
                "respondents",
                "target",
                "source",
                "version",
            )
        }
        for score in round.scores.all():
            initial[score_field_name(score.category)] = score.score
        return initial

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "label": data["label"],
            "held_on": data["held_on"],
            "period_start": data["period_start"],
            "period_end": data["period_end"],
            "respondents": data["respondents"],
            "target": data["target"],
            "source": data["source"],
            "scores": {c: data.get(score_field_name(c)) for c in self.categories},
        }


class ImportForm(forms.Form):
    """Upload a CSV to preview; the preview page posts the same text back to import it."""

    file = forms.FileField(
        required=False,
        label="CSV file",
        validators=[validate_csv_upload],
        help_text=(
            "One row per respondent: a 'respondent' column, an optional 'organisation' column "
            "(name or short name), and one column per question code."
        ),
    )
    csv_text = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            data["content"] = upload.read()
        elif data.get("csv_text"):
            data["content"] = data["csv_text"]
        else:
            raise forms.ValidationError("Choose a CSV file to preview.")
        return data


class FeedbackForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = YouSaidWeDid
        fields = list(FEEDBACK_FIELDS)
        widgets = {
            "raised_on": DATE,
            "you_said": forms.Textarea(attrs={"rows": 3}),
            "we_did": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = Round.objects.select_related("survey")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
