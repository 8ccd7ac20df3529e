from django import forms

from kvis.models import ForwardPlanItem
from meetings.models import Action


class CompleteActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    completion_note = forms.CharField(
        label="What was done", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class DecisionForm(forms.Form):
    text = forms.CharField(label="Decision", widget=forms.Textarea(attrs={"rows": 2}))
    decided_by = forms.CharField(label="By whom", max_length=200)
    forward_plan_item = forms.ModelChoiceField(
        queryset=ForwardPlanItem.objects.none(),
        required=False,
        label="Answers the forward-plan item",
        empty_label="(none)",
    )

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        if items is not None:
            self.fields["forward_plan_item"].queryset = items


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["title", "owner_name", "owner", "start", "due"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "due": forms.DateInput(attrs={"type": "date"}),
        }
