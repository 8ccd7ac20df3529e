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
from core.roles import ADMIN, COMMITTEE_MEMBER, CUSTOMER_OPS
from core.tests.factories import CommitteeFactory, OrganisationFactory
from issues.tests.factories import BreachFactory, CommunicationFactory, IssueFactory
from kvis.models import KVIUpdate, MeasureResult
from kvis.tests.factories import KVIFactory, KVIUpdateFactory, MeasureFactory
from meetings.tests.factories import MeetingFactory
from performance_plans.tests.factories import PlanFactory

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
    # Never more with more rows; one fewer is allowed: a section whose capped list is filled by
    # its first part skips the query for the rest (the overview's overdue tasks).
    assert small - 1 <= large <= small, (
        f"{url}: {small} queries with {SMALL} rows, {large} with {LARGE}"
    )


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


def _assert_flat_list(client, url: str, make) -> None:
    """A list page: the same queries with SMALL rows as with LARGE; `make(start, stop)` returns
    the text of the last row it made, which the page must show."""
    counts = []
    for start, stop in ((0, SMALL), (SMALL, LARGE)):
        marker = make(start, stop)
        counts.append(_queries(client, url, marker))
    assert counts[0] == counts[1], (
        f"{url}: {counts[0]} queries with {SMALL}, {counts[1]} with {LARGE}"
    )


def test_issue_list_unfiltered(client_for):
    customer = OrganisationFactory()

    def make(start, stop):
        for n in range(start, stop):
            IssueFactory(
                title=f"Listed issue {n:03d}",
                identified_at=JUNE + timedelta(minutes=n),
                affected_customers=[customer],
            )
        return f"Listed issue {stop - 1:03d}"

    _assert_flat_list(client_for(CUSTOMER_OPS), reverse("issues:issue_list"), make)


def test_published_register(client_for):
    def make(start, stop):
        for n in range(start, stop):
            IssueFactory(
                title=f"Published issue {n:03d}", identified_at=JUNE + timedelta(minutes=n)
            )
        return f"Published issue {stop - 1:03d}"

    _assert_flat_list(client_for(COMMITTEE_MEMBER), reverse("issues:register"), make)


def test_communication_list(client_for):
    recipient = OrganisationFactory()

    def make(start, stop):
        for n in range(start, stop):
            CommunicationFactory(
                subject=f"Listed communication {n:03d}",
                sent_at=JUNE + timedelta(minutes=n),
                recipients=[recipient],
            )
        return f"Listed communication {stop - 1:03d}"

    _assert_flat_list(client_for(CUSTOMER_OPS), reverse("issues:communication_list"), make)


def test_plan_list(client_for):
    def make(start, stop):
        for n in range(start, stop):
            PlanFactory(title=f"Listed plan {n:03d}")
        return f"Listed plan {stop - 1:03d}"

    # per_page: every row on the one page, so the last one made shows whatever the order.
    _assert_flat_list(client_for(ADMIN), reverse("plans:index") + "?per_page=100", make)


def test_meeting_list(client_for):
    committee = CommitteeFactory()

    def make(start, stop):
        for n in range(start, stop):
            MeetingFactory(committee=committee, date=date(2021, 1, 4) + timedelta(days=7 * n))
        return f"{date(2021, 1, 4) + timedelta(days=7 * (stop - 1)):%d %b %Y}"

    url = reverse("meetings:index") + "?per_page=100"
    _assert_flat_list(client_for(COMMITTEE_MEMBER), url, make)


def test_packs_page(client_for):
    from core.models import Committee
    from kvis.models import Pack

    def make(start, stop):
        committee = Committee.objects.first() or CommitteeFactory()
        for n in range(start, stop):
            Pack.objects.create(
                committee=committee,
                month=add_months(date(2015, 1, 1), n),
                version=1,
                requested_at=JUNE,
                snapshot={"figures": {"sections": {}}},
            )
        return f"{add_months(date(2015, 1, 1), stop - 1):%B %Y}"

    _assert_flat_list(client_for(ADMIN), reverse("kvis:packs"), make)
