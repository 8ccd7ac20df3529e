"""The demo data says what the seeds say."""

from datetime import date
from decimal import Decimal

import pytest

from kvis.models import KVI, KVIUpdate, Measure, MeasureKind, UpdateStatus

pytestmark = pytest.mark.django_db
NOV = date(2020, 11, 1)


@pytest.fixture
def demo(demo_data, db):
    return None


def test_ten_comc_kvis_with_a_year_of_approved_history(demo):
    comc = KVI.objects.filter(committees__code="CoMC")
    assert comc.count() == 10
    for kvi in comc:
        months = set(
            kvi.updates.filter(status=UpdateStatus.APPROVED).values_list("month", flat=True)
        )
        assert len(months) == 12 and NOV in months, kvi.code


NARRATIVES = [
    ("KVI-07", "Overall Trust Score 90.91% (up from 85.2%)"),
    (
        "KVI-08",
        "The score for the October Survey was 100% with current year to date score also of 98%",
    ),
    ("KVI-10", "There were 3 low breaches only."),
    ("KVI-03", "was 9.7/10, which we are classifying as 'Exceeded Expectations'"),
    ("KVI-02", "90% identified by us"),
    ("KVI-09", "Initial update on Q2 forecast position delivered to November CoMC"),
]
COUNCIL = [
    ("Customer Contact Resolved at First Point of Contact", MeasureKind.PERCENTAGE, Decimal(80)),
    ("Long Abandoned Call Rates", MeasureKind.PERCENTAGE, Decimal(92)),
    ("Monthly Team Meeting Held and Documented", MeasureKind.PERCENTAGE, Decimal(100)),
]


def test_november_2020_updates_carry_the_seed_narrative(demo):
    for code, text in NARRATIVES:
        update = KVIUpdate.objects.current().get(kvi__code=code, month=NOV)
        assert text in update.last_update, code
    update = KVIUpdate.objects.current().get(kvi__code="KVI-07", month=NOV)
    assert update.next_update == "Jan'21 following Dec'20 survey"


def test_council_delivery_plan_is_a_second_committees_catalogue(demo):
    for name, kind, target in COUNCIL:
        m = Measure.objects.get(name=name, kvi__committees__code="RSSC")
        assert (m.kind, m.target_value) == (kind, target), name
        assert m.purpose and m.who_acts, name
    m = Measure.objects.get(name="Replace Customer Relationship Management System")
    assert (m.kind, m.target_date) == (MeasureKind.MILESTONE, date(2015, 1, 2))
