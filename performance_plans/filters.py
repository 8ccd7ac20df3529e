import django_filters

from core.filters import ReferenceFilter
from core.models import Organisation
from performance_plans.models import Plan, StepChoices


class PlanFilter(django_filters.FilterSet):
    party = ReferenceFilter(queryset=Organisation.objects.filter(is_party=True))
    step = django_filters.ChoiceFilter(choices=StepChoices.choices)

    class Meta:
        model = Plan
        fields = ["party", "step"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"
