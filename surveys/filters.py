import django_filters

from core.calendar import kvi_year_label, kvi_year_start
from core.models import Organisation
from surveys.models import FeedbackStatus, YouSaidWeDid


def kvi_year_choices() -> list[tuple[str, str]]:
    """The KVI years in which feedback was raised, newest first."""
    days = YouSaidWeDid.objects.dates("raised_on", "month", order="DESC")
    years = sorted({kvi_year_start(d) for d in days}, reverse=True)
    return [(str(y), kvi_year_label(y)) for y in years]


class FeedbackFilter(django_filters.FilterSet):
    kvi_year = django_filters.ChoiceFilter(
        label="KVI year", choices=kvi_year_choices, method="filter_kvi_year", empty_label="All"
    )
    status = django_filters.ChoiceFilter(choices=FeedbackStatus.choices, empty_label="Any")
    source = django_filters.ChoiceFilter(
        label="From", choices=YouSaidWeDid.Source.choices, empty_label="Surveys and meetings"
    )
    organisation = django_filters.ModelChoiceFilter(
        label="Customer",
        queryset=Organisation.objects.filter(is_customer=True),
        empty_label="All customers",
    )

    class Meta:
        model = YouSaidWeDid
        fields = ["kvi_year", "status", "source", "organisation"]

    def filter_kvi_year(self, queryset, name, value):
        return queryset.in_kvi_year(int(value))
