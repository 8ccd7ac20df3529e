import django_filters
from django.contrib.auth.models import AnonymousUser

from core.filters import ReferenceFilter
from performance_plans.models import Plan, StepChoices
from performance_plans.selectors import parties_visible_to


def _parties(request):
    # Without a request (the schema generator) no party is listed.
    return parties_visible_to(getattr(request, "user", AnonymousUser()))


class PlanFilter(django_filters.FilterSet):
    party = ReferenceFilter(queryset=_parties)
    step = django_filters.ChoiceFilter(choices=StepChoices.choices)

    class Meta:
        model = Plan
        fields = ["party", "step"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"
