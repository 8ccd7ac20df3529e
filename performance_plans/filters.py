import django_filters

from core.models import Organisation
from performance_plans.models import Plan, StepChoices


class PlanFilter(django_filters.FilterSet):
    party = django_filters.ModelChoiceFilter(queryset=Organisation.objects.filter(is_party=True))
    step = django_filters.ChoiceFilter(choices=StepChoices.choices)

    class Meta:
        model = Plan
        fields = ["party", "step"]
