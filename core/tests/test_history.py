"""core.history.as_of: each record as it stood at a moment, once, whatever its history holds."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.history import as_of
from core.models import Organisation
from core.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
NOV_30 = datetime(2020, 11, 30, 18, tzinfo=LONDON)


def _rename(org: Organisation, name: str, at: datetime) -> None:
    org.name = name
    org.save()
    org.history.filter(name=name).update(history_date=at)


def test_each_record_once_as_it_stood_then_and_none_recorded_later():
    org = OrganisationFactory(name="First name")
    org.history.update(history_date=NOV_30 - timedelta(days=30))
    _rename(org, "November name", NOV_30 - timedelta(days=1))
    _rename(org, "December name", NOV_30 + timedelta(days=3))
    later = OrganisationFactory(name="Recorded in December")
    later.history.update(history_date=NOV_30 + timedelta(days=2))

    assert [o.name for o in as_of(Organisation, NOV_30)] == ["November name"]
    assert [o.name for o in as_of(Organisation, NOV_30 - timedelta(days=10))] == ["First name"]


def test_two_saves_at_the_same_instant_give_the_later_written_once():
    org = OrganisationFactory(name="Before")
    org.history.update(history_date=NOV_30 - timedelta(days=5))
    _rename(org, "Written first", NOV_30 - timedelta(days=1))
    _rename(org, "Written second", NOV_30 - timedelta(days=1))  # same history_date

    assert [o.name for o in as_of(Organisation, NOV_30)] == ["Written second"]
    # simple-history's own as_of keeps both rows of the tie (why core.history exists).
    assert Organisation.history.as_of(NOV_30).count() == 2


def test_a_record_deleted_by_then_is_left_out():
    org = OrganisationFactory(name="Gone")
    org.history.update(history_date=NOV_30 - timedelta(days=5))
    org.delete()
    Organisation.history.filter(history_type="-").update(history_date=NOV_30 - timedelta(days=1))

    assert list(as_of(Organisation, NOV_30)) == []
    assert [o.name for o in as_of(Organisation, NOV_30 - timedelta(days=2))] == ["Gone"]
