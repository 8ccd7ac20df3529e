"""Months that exist: updates, results and packs only for months a KVI or committee reports."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from core.calendar import first_of_month, localdate
from core.tests.factories import CommitteeFactory
from kvis import importers, packs, selectors, services
from kvis.models import UpdateStatus
from kvis.tests.factories import KVIFactory, KVIUpdateFactory, MeasureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure():
    kvi = KVIFactory(code="KVI-07", active_from=date(2019, 4, 1))
    return MeasureFactory(kvi=kvi, name="Availability", target_value=Decimal(95))


@pytest.mark.parametrize(
    ("month", "why"),
    [(date(2099, 1, 1), "has not begun"), (date(1900, 1, 1), "before KVI-07's first")],
)
def test_an_update_outside_the_kvis_reporting_months_is_refused(measure, ops_user, month, why):
    """Finding 4: updates for January 2099 and January 1900 were accepted."""
    with pytest.raises(ValidationError, match=why):
        services.update_save(
            kvi=measure.kvi, month=month, by=ops_user, last_update="", drivers="", next_update=""
        )


def test_the_api_answers_422_for_a_month_outside_the_range(measure, ops_user):
    # Well formed, but a month the KVI does not report: 422, as a missing record (issue #14).
    client = APIClient()
    client.force_authenticate(ops_user)
    response = client.post(
        "/api/kvis/KVI-07/updates/", {"month": "2099-01", "last_update": "x"}, format="json"
    )
    assert response.status_code == 422, response.content
    assert "month" in response.json()


def test_a_result_outside_the_range_is_refused_and_the_import_says_so(measure):
    with pytest.raises(ValidationError, match="before KVI-07's first"):
        services.result_save(measure=measure, month=date(2019, 3, 1), actual=Decimal(1))
    report = importers.results_import(
        text="kvi,measure,month,actual\nKVI-07,Availability,2099-01,97\n", dry_run=True
    )
    assert not report.ok
    assert "has not begun" in report.errors[0].message


def test_a_pack_for_a_month_not_ended_or_before_the_first_is_refused(measure, admin_user_):
    committee = CommitteeFactory(code="CoMC")
    measure.kvi.committees.add(committee)
    this_month = first_of_month(localdate())
    with pytest.raises(ValidationError, match="has not ended"):
        packs.pack_request(committee=committee, month=this_month, by=admin_user_)
    with pytest.raises(ValidationError, match="first reporting month"):
        packs.pack_request(committee=committee, month=date(2019, 1, 1), by=admin_user_)
    client = APIClient()
    client.force_authenticate(admin_user_)
    response = client.post("/api/packs/", {"committee": "CoMC", "month": "2019-01"}, format="json")
    assert response.status_code == 422, response.content
    assert "first reporting month" in response.json()["month"][0]


def test_the_dashboard_window_ends_at_the_latest_month_with_approved_data(measure):
    KVIUpdateFactory(kvi=measure.kvi, month=date(2020, 11, 1), status=UpdateStatus.APPROVED)
    KVIUpdateFactory(kvi=measure.kvi, month=date(2020, 12, 1), status=UpdateStatus.DRAFT)
    KVIUpdateFactory(kvi=measure.kvi, month=date(2099, 1, 1), status=UpdateStatus.APPROVED)
    months = selectors.dashboard_months(kvi_year=None, end=None)
    assert months[-1] == date(2020, 11, 1) and len(months) == 12
