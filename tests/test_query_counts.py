"""The pages `make bench` measures run the same number of queries with 5 rows as with 50: no
page does a query per row. The cache is cleared before each request, so every count is the
worst case (nothing cached)."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.calendar import LONDON, add_months
from core.roles import COMMITTEE_MEMBER, CUSTOMER_OPS
from core.tests.factories import OrganisationFactory
from issues.tests.factories import BreachFactory, CommunicationFactory, IssueFactory
from kvis.models import KVIUpdate, MeasureResult
from kvis.tests.factories import KVIFactory, KVIUpdateFactory, MeasureFactory

pytestmark = pytest.mark.django_db

SMALL, LARGE = 5, 50
JUNE = datetime(2021, 6, 14, 10, tzinfo=LONDON)


def _queries(client, url: str, expect: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    assert expect in response.content.decode(), f"{expect} is not on {url}"
    return len(captured.captured_queries)


def _assert_flat(client, url: str, make, small_marker, large_marker) -> None:
    """Queries for SMALL rows equal queries for LARGE rows; the markers prove the rows show."""
    make(0, SMALL)
    small = _queries(client, url, small_marker)
    make(SMALL, LARGE)
    large = _queries(client, url, large_marker)
    assert small == large, f"{url}: {small} queries with {SMALL} rows, {large} with {LARGE}"


def test_dashboard(client_for):
    def make(start, stop):
        for n in range(start, stop):
            KVIUpdateFactory(kvi=KVIFactory(code=f"Q-{n:03d}"), month=date(2020, 11, 1))

    _assert_flat(client_for(COMMITTEE_MEMBER), reverse("kvis:dashboard"), make, "Q-004", "Q-049")


def test_issue_register_filtered_by_band_and_month(client_for):
    customer = OrganisationFactory()

    def make(start, stop):
        for n in range(start, stop):
            IssueFactory(
                title=f"Queried issue {n:03d}",
                impact=3,
                financial=3,
                identified_at=JUNE + timedelta(minutes=n),
                affected_customers=[customer],
            )

    url = reverse("issues:issue_list") + "?band=High&month=2021-06"
    _assert_flat(client_for(CUSTOMER_OPS), url, make, "Queried issue 004", "Queried issue 049")


def test_kvi_detail(client_for):
    measure = MeasureFactory()
    kvi = measure.kvi
    first = date(2016, 1, 1)

    def make(start, stop):
        for n in range(start, stop):
            month = add_months(first, n)
            MeasureResult.objects.create(measure=measure, month=month, actual=Decimal(90 + n % 10))
            KVIUpdate.objects.create(kvi=kvi, month=month, last_update=f"Month number {n:03d}")

    url = reverse("kvis:detail", args=[kvi.code])
    _assert_flat(client_for(COMMITTEE_MEMBER), url, make, "Month number 004", "Month number 049")


def test_breach_detail(client_for):
    breach = BreachFactory(severity="high")

    def make(start, stop):
        customers = [OrganisationFactory(name=f"Impacted {n:03d} Ltd") for n in range(start, stop)]
        breach.customers_impacted.add(*customers)
        for n in range(start, stop):
            CommunicationFactory(subject=f"About the breach {n:03d}", breaches=[breach])

    url = reverse("issues:breach_detail", args=[breach.pk])
    _assert_flat(client_for(CUSTOMER_OPS), url, make, "Impacted 004", "Impacted 049")


def test_api_issue_list(client_for):
    customers = [OrganisationFactory(), OrganisationFactory()]

    def make(start, stop):
        for n in range(start, stop):
            IssueFactory(
                title=f"Api issue {n:03d}",
                impact=2,
                financial=n % 3 + 1,
                identified_at=JUNE + timedelta(minutes=n),
                affected_customers=customers,
            )

    _assert_flat(client_for(CUSTOMER_OPS), "/api/issues/", make, "Api issue 004", "Api issue 049")


def test_issues_overview(client_for):
    """The month's figures are counted in the database: 50 issues (with their overdue
    actions) and 50 breaches cost the queries 5 of each do."""

    def make(start, stop):
        for n in range(start, stop):
            IssueFactory(impact=3, financial=n % 3 + 1, identified_at=JUNE + timedelta(minutes=n))
            BreachFactory(identified_at=JUNE + timedelta(minutes=n))

    url = reverse("issues:index") + "?month=2021-06"
    _assert_flat(
        client_for(CUSTOMER_OPS),
        url,
        make,
        "New issues identified in June 2021: <strong>5</strong>",
        "New issues identified in June 2021: <strong>50</strong>",
    )


def test_breach_list(client_for):
    customer = OrganisationFactory()
    client = client_for(CUSTOMER_OPS)
    url = reverse("issues:breach_list")
    counts = []
    for start, stop in ((0, SMALL), (SMALL, LARGE)):
        made = [
            BreachFactory(identified_at=JUNE + timedelta(minutes=n), customers_impacted=[customer])
            for n in range(start, stop)
        ]
        counts.append(_queries(client, url, made[-1].reference))
    assert counts[0] == counts[1], (
        f"{url}: {counts[0]} queries with {SMALL}, {counts[1]} with {LARGE}"
    )
