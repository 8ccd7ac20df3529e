"""The API applies the pages' field rules (issue #14, finding 5): what a role's pages hide, its
API answers hide too, in JSON, in CSV and in what it may filter by."""

import csv
import io

import pytest

from core.roles import ADMIN, COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA
from core.tests.factories import OrganisationFactory, PartyFactory
from issues.tests.factories import IssueFactory
from performance_plans.tests.factories import PlanFactory

pytestmark = pytest.mark.django_db

INTERNAL = {"customers", "mprn_count", "owner"}
INTERNAL_READERS = {CUSTOMER_OPS, PAFA, ADMIN}


def _text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.fixture
def customer_issue():
    customer = OrganisationFactory(name="Northern Shipper Ltd")
    issue = IssueFactory(impact=2, financial=2, mprns_affected=1234)
    issue.affected_customers.add(customer)
    return issue, customer


@pytest.mark.parametrize("role", [COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA, ADMIN])
def test_issue_internal_fields_follow_the_detail_pages_rule(api_for, customer_issue, role):
    issue, _ = customer_issue
    client = api_for(role)
    one = client.get(f"/api/issues/{issue.reference}/").json()
    listed = client.get("/api/issues/").json()["results"][0]
    exported = next(csv.DictReader(io.StringIO(_text(client.get("/api/issues/?format=csv")))))
    for record in (one, listed, exported):
        assert record["reference"] == issue.reference
        if role in INTERNAL_READERS:
            assert set(record) >= INTERNAL
        else:
            assert not INTERNAL & set(record), f"{role} sees {INTERNAL & set(record)}"
    assert "1234" not in str(one) or role in INTERNAL_READERS


def test_committee_member_cannot_find_a_customers_issues_by_filtering(api_for, customer_issue):
    issue, customer = customer_issue
    IssueFactory(impact=1, financial=1)
    internal = api_for(CUSTOMER_OPS).get(f"/api/issues/?customer={customer.pk}").json()
    assert [r["reference"] for r in internal["results"]] == [issue.reference]
    # Ignored for a role that may not see customers: the answer says nothing about them.
    published = api_for(COMMITTEE_MEMBER).get(f"/api/issues/?customer={customer.pk}").json()
    assert published["count"] == 2


def test_committee_members_page_offers_no_customer_filter(client_for, customer_issue):
    _, customer = customer_issue
    page = client_for(COMMITTEE_MEMBER).get("/issues/register/")
    assert page.status_code == 200
    assert customer.name not in page.content.decode()


def test_schema_marks_the_internal_fields_optional_and_names_the_permission(api_for):
    schema = api_for("anonymous").get("/api/schema/?format=json").json()
    issue = schema["components"]["schemas"]["Issue"]
    assert not INTERNAL & set(issue["required"])
    assert "issues.view_internal_issue" in issue["properties"]["owner"]["description"]


def test_party_user_sees_no_other_partys_name(api_for, role_users):
    own = PlanFactory(party=PartyFactory(name="Own Party plc"))
    PlanFactory(party=PartyFactory(name="Rival Party plc"))
    own.party.users.add(role_users["none"])
    client = api_for("none")
    for url in ("/api/plans/", "/api/plans/?format=csv"):
        body = _text(client.get(url))
        assert "Own Party plc" in body
        assert "Rival Party plc" not in body
    rival = PlanFactory(party=PartyFactory(name="Third Party plc")).party
    assert client.get(f"/api/plans/?party={rival.pk}").json()["count"] == 0
