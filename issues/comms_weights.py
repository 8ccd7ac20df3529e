"""The weight of each point of the communications framework: versioned settings the admin
changes; every scored communication stamps the version it was scored with."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.models import VersionedSettings

#: The framework's points out of 10 (DOMAIN rule 4); the data migration creates version 1.
DEFAULT_WEIGHTS = {
    "distribution_list_named": Decimal("0.6"),
    "states_subject": Decimal("1.0"),
    "states_action_taken": Decimal("2.0"),
    "states_customer_action": Decimal("2.0"),
    "states_impact": Decimal("2.0"),
    "states_known_unknown": Decimal("1.5"),
    "gives_contact": Decimal("0.9"),
}
WEIGHTS_MUST_SUM_TO_10 = "The weights must add up to 10; these add up to {total}."


def _weight(label: str, name: str) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=3,
        decimal_places=1,
        default=DEFAULT_WEIGHTS[name],
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )


class CommsWeights(VersionedSettings):
    """A version of the framework's weights; together they add up to 10."""

    distribution_list_named = _weight(
        "Distribution list kept, recipients named", "distribution_list_named"
    )
    states_subject = _weight("Says what it is about", "states_subject")
    states_action_taken = _weight("Says what action is being taken", "states_action_taken")
    states_customer_action = _weight("Says what the customer must do", "states_customer_action")
    states_impact = _weight("States impact and who is impacted", "states_impact")
    states_known_unknown = _weight("Says what is known and unknown", "states_known_unknown")
    gives_contact = _weight("Gives a contact name", "gives_contact")

    class Meta(VersionedSettings.Meta):
        app_label = "issues"
        verbose_name = "communication framework weights"
        verbose_name_plural = "communication framework weights"

    def __str__(self) -> str:
        return f"Framework weights v{self.version}"

    def as_mapping(self) -> dict[str, Decimal]:
        """Each framework point's weight, by checklist field."""
        return {name: getattr(self, name) for name in DEFAULT_WEIGHTS}

    def clean(self) -> None:
        total = sum(self.as_mapping().values(), Decimal("0"))
        if total != 10:
            raise ValidationError(WEIGHTS_MUST_SUM_TO_10.format(total=total))
