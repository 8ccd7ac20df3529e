"""The registers' API: every endpoint × role, the rules' results, 400/409 and versions."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from core.calendar import LONDON
from core.errors import STALE_VERSION
from core.roles import ADMIN, COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA
from core.tests.factories import OrganisationFactory
from issues import services
from issues.models import Breach, Issue
from issues.tests.factories import BreachFactory, CommunicationFactory, IssueFactory
from tests.api.conftest import CALLERS, refused_status

pytestmark = pytest.mark.django_db

READERS = {COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA, ADMIN}
WRITERS = {CUSTOMER_OPS, ADMIN}

ISSUE = {
    "title": "AQ rejected for a shipper",
    "category": "aq_defect",
    "identified_by": "customer",
    "identified_at": "2021-06-14T10:00:00+01:00",
    "impact": "high",
    "financial_level": "medium",
}
BREACH = {
    "severity": "high",
    "identified_at": "2021-06-14T10:00:00+01:00",
    "description": "Report sent to the wrong shipper.",
}
COMMUNICATION = {
    "sent_at": "2020-11-10T12:00:00+00:00",
    "subject": "Meter read delays",
    "checklist": {"states_subject": True, "gives_contact": True},
    # The framework gives 1.9 for these two points: 7.5 is the assessor's, with a reason.
    "score": 7.5,
    "score_reason": "Sent within the hour of the fault.",
}


@pytest.fixture
def records():
    issue = IssueFactory(impact=2, financial=2)
    breach = BreachFactory()
    comm = CommunicationFactory()
    return {"issue": issue, "breach": breach, "communication": comm}


def _reads(records):
    return [
        "/api/issues/",
        f"/api/issues/{records['issue'].reference}/",
        "/api/breaches/",
        f"/api/breaches/{records['breach'].reference}/",
        "/api/breaches/monthly/?month=2021-06",
        "/api/communications/",
        f"/api/communications/{records['communication'].reference}/",
        "/api/communications/monthly/?month=2020-11",
    ]


@pytest.mark.parametrize("role", CALLERS)
def test_reads_are_allowed_to_readers_only(api_for, records, role):
    client = api_for(role)
    for path in _reads(records):
        response = client.get(path)
        expected = 200 if role in READERS else refused_status(role)
        assert response.status_code == expected, (path, response.status_code)


@pytest.mark.parametrize("role", CALLERS)
@pytest.mark.parametrize(
    ("path", "body", "model"),
    [
        ("/api/issues/", ISSUE, Issue),
        ("/api/breaches/", BREACH, Breach),
        ("/api/communications/", COMMUNICATION, None),
    ],
)
def test_creates_are_allowed_to_writers_only(api_for, role, path, body, model):
    response = api_for(role).post(path, body, format="json")
    expected = 201 if role in WRITERS else refused_status(role)
    assert response.status_code == expected, response.content


@pytest.mark.parametrize("role", CALLERS)
def test_patches_are_allowed_to_writers_only(api_for, records, role):
    issue, breach = records["issue"], records["breach"]
    client = api_for(role)
    issue_response = client.patch(
        f"/api/issues/{issue.reference}/", {"version": issue.version, "title": "New"}, format="json"
    )
    breach_response = client.patch(
        f"/api/breaches/{breach.reference}/",
        {"version": breach.version, "root_cause": "Wrong list"},
        format="json",
    )
    expected = 200 if role in WRITERS else refused_status(role)
    assert (issue_response.status_code, breach_response.status_code) == (expected, expected)
    issue.refresh_from_db()
    assert (issue.title == "New") is (role in WRITERS)


def test_token_is_issued_for_a_good_password_and_works(client, ops_user):
    from conftest import PASSWORD

    def login(body):
        return client.post("/api/auth/token/", body, content_type="application/json")

    response = login({"username": ops_user.username, "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    assert client.get("/api/issues/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    bad = login({"username": ops_user.username, "password": "nope"})
    # Wrong credentials are 401 with the scheme to use, and say why.
    assert bad.status_code == 401
    assert bad["WWW-Authenticate"] == "Token"
    assert bad.json() == {"detail": "Unable to log in with provided credentials."}
    missing = login({"username": ops_user.username})
    assert missing.status_code == 400
    assert "password" in missing.json()


def test_session_login_also_works_for_reads(client_for):
    assert client_for(PAFA).get("/api/breaches/").status_code == 200


def test_schema_and_docs_need_no_login(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/breaches/monthly/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
    assert b"/static/drf_spectacular_sidecar/" in docs.content


# --- Issues ---------------------------------------------------------------------------------


def test_issue_create_returns_score_band_and_required_actions(api_for):
    response = api_for(CUSTOMER_OPS).post(
        "/api/issues/", {**ISSUE, "customers": [OrganisationFactory().pk]}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    issue = Issue.objects.get(reference=body["reference"])
    assert body["reference"].startswith("ISS-2021-")
    assert (body["score"], body["band"]) == (issue.score, issue.band)
    assert issue.score == 3 * 2
    assert (body["impact"], body["financial_level"]) == ("high", "medium")
    due = {a.kind: a.due_at for a in issue.actions.all()}
    assert due, "a 6 needs actions"
    assert {a["action"]: datetime.fromisoformat(a["due"]) for a in body["required_actions"]} == due
    assert all(a["due"][-6] in "+-" for a in body["required_actions"]), "offset in datetimes"
    assert response["ETag"] == f'"{issue.version}"'
    assert body["description"] == ISSUE["title"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"impact": "huge"}, "impact"),
        ({"category": "nonsense"}, "category"),
        ({"identified_at": "yesterday"}, "identified_at"),
        ({"title": ""}, "title"),
    ],
)
def test_issue_create_bad_input_is_400_per_field(api_for, change, field):
    response = api_for(CUSTOMER_OPS).post("/api/issues/", {**ISSUE, **change}, format="json")
    assert response.status_code == 400
    assert isinstance(response.json()[field], list)
    assert not Issue.objects.exists()


def test_issue_in_the_future_is_400_from_the_model(api_for):
    future = (timezone.now() + timedelta(days=2)).isoformat()
    response = api_for(CUSTOMER_OPS).post(
        "/api/issues/", {**ISSUE, "identified_at": future}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"identified_at": ["Identified at cannot be in the future."]}


def test_issue_status_patch_moves_it_and_bumps_the_version(api_for, records):
    issue = records["issue"]
    response = api_for(CUSTOMER_OPS).patch(
        f"/api/issues/{issue.reference}/",
        {"status": "resolved", "status_at": "2021-06-20T09:00:00+01:00"},
        format="json",
        HTTP_IF_MATCH=f'"{issue.version}"',
    )
    assert response.status_code == 200, response.content
    issue.refresh_from_db()
    assert issue.status == "resolved"
    assert issue.resolved_at == datetime(2021, 6, 20, 9, tzinfo=LONDON)
    assert response.json()["version"] == issue.version
    assert response["ETag"] == f'"{issue.version}"'


@pytest.mark.parametrize(
    ("scored", "status", "message"),
    [
        (False, "resolved", services.RESOLVE_NEEDS_SCORE),
        (True, "closed", "An issue cannot go from Open to Closed."),
    ],
)
def test_a_status_move_the_transitions_refuse_is_409(api_for, scored, status, message):
    issue = IssueFactory(impact=2 if scored else None, financial=2 if scored else None)
    response = api_for(CUSTOMER_OPS).patch(
        f"/api/issues/{issue.reference}/",
        {"status": status},
        format="json",
        HTTP_IF_MATCH=f'"{issue.version}"',
    )
    assert response.status_code == 409
    assert response.json() == {"detail": message}
    assert Issue.objects.get(pk=issue.pk).status == "open"


def test_stale_issue_patch_is_409_and_changes_nothing(api_for, records):
    issue = records["issue"]
    stale = issue.version
    services.issue_update(issue=issue, version=stale, title="Someone else's title")
    response = api_for(CUSTOMER_OPS).patch(
        f"/api/issues/{issue.reference}/", {"version": stale, "title": "Mine"}, format="json"
    )
    assert response.status_code == 409
    assert response.json() == {"detail": STALE_VERSION.format(yours=stale, theirs=stale + 1)}
    issue.refresh_from_db()
    assert issue.title == "Someone else's title"


def test_patch_without_a_version_is_400(api_for, records):
    issue = records["issue"]
    response = api_for(CUSTOMER_OPS).patch(
        f"/api/issues/{issue.reference}/", {"title": "Mine"}, format="json"
    )
    assert response.status_code == 400
    assert "version" in response.json()


def test_refused_transition_is_409_and_rolls_back_other_changes(api_for, records):
    issue = records["issue"]
    response = api_for(CUSTOMER_OPS).patch(
        f"/api/issues/{issue.reference}/",
        {"version": issue.version, "title": "Half saved?", "status": "closed"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["detail"] == services.BAD_TRANSITION.format(
        source="Open", target="Closed"
    )
    before = issue.version
    issue.refresh_from_db()
    assert (issue.title, issue.version) != ("Half saved?", before + 1)
    assert issue.version == before


def test_issue_list_uses_the_page_filters(api_for):
    IssueFactory(impact=3, financial=3)
    IssueFactory(identified_at=datetime(2021, 3, 1, 9, tzinfo=LONDON))
    client = api_for(PAFA)
    everything = client.get("/api/issues/").json()
    assert set(everything) == {"count", "next", "previous", "results"}
    assert everything["count"] == 2
    assert client.get("/api/issues/?month=2021-03").json()["count"] == 1
    assert client.get("/api/issues/?status=closed").json()["count"] == 0


def test_a_band_no_matrix_has_matches_nothing_and_a_band_filters(api_for):
    # The bands come from the matrices (data), so the schema says "a name", not which: a name
    # of no band lists nothing, as a missing record does. Before: 400 (schemathesis, stateful).
    high = IssueFactory(impact=3, financial=3)
    IssueFactory(impact=1, financial=1)
    client = api_for(PAFA)
    listed = client.get("/api/issues/", {"band": high.band}).json()
    assert [row["reference"] for row in listed["results"]] == [high.reference]
    none = client.get("/api/issues/", {"band": "\u00b6\u00b1E no such band"})
    assert none.status_code == 200 and none.json()["results"] == []
    # A NUL is in no name, and the schema says so: refused (found by the schema's negative data).
    assert client.get("/api/issues/", {"band": "Hi\x00gh"}).status_code == 400


def test_unknown_reference_is_404(api_for):
    assert api_for(PAFA).get("/api/issues/ISS-1999-0001/").status_code == 404


# --- Breaches -------------------------------------------------------------------------------


def test_breach_create_returns_both_clocks(api_for):
    response = api_for(CUSTOMER_OPS).post("/api/breaches/", BREACH, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    breach = Breach.objects.get(reference=body["reference"])
    assert datetime.fromisoformat(body["notification_due"]) == breach.notification_due
    assert datetime.fromisoformat(body["resolution_due"]) == breach.resolution_due
    assert breach.notification_due == datetime(2021, 6, 14, 14, tzinfo=LONDON)
    # Long past and not done: both clocks decided, both missed.
    assert (body["notification_met"], body["resolution_met"]) == (False, False)


@pytest.mark.parametrize("severity", ["medium", "low"])
def test_medium_and_low_breaches_have_no_notification_clock(api_for, severity):
    body = (
        api_for(CUSTOMER_OPS)
        .post("/api/breaches/", {**BREACH, "severity": severity}, format="json")
        .json()
    )
    assert body["notification_due"] is None
    assert body["notification_met"] is None
    assert body["notification_clock"] == "not_applicable"


def test_open_clock_is_undecided_then_met_after_patch(api_for):
    client = api_for(CUSTOMER_OPS)
    identified = timezone.now() - timedelta(minutes=30)
    body = client.post(
        "/api/breaches/", {**BREACH, "identified_at": identified.isoformat()}, format="json"
    ).json()
    assert (body["notification_met"], body["resolution_met"]) == (None, None)
    patched = client.patch(
        f"/api/breaches/{body['reference']}/",
        {"version": body["version"], "notified_at": timezone.now().isoformat()},
        format="json",
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["notification_met"] is True
    assert patched.json()["resolution_met"] is None


def test_breach_notified_before_identified_is_400(api_for, records):
    breach = records["breach"]
    response = api_for(CUSTOMER_OPS).patch(
        f"/api/breaches/{breach.reference}/",
        {"version": breach.version, "notified_at": "2021-06-14T08:00:00+01:00"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"notified_at": ["Notified at cannot be before identified at."]}


def test_breach_monthly_gives_counts_rag_and_explanation(api_for):
    BreachFactory(severity="low")
    BreachFactory(severity="critical", identified_at=datetime(2021, 6, 2, 9, tzinfo=LONDON))
    BreachFactory(severity="medium", identified_at=datetime(2021, 7, 2, 9, tzinfo=LONDON))
    body = api_for(COMMITTEE_MEMBER).get("/api/breaches/monthly/?month=2021-06").json()
    from issues.selectors import breach_month

    suggestion = breach_month(datetime(2021, 6, 1).date())["suggestion"]
    assert body["month"] == "2021-06"
    assert body["counts"] == {"critical": 1, "high": 0, "medium": 0, "low": 1}
    assert (body["rag"], body["explanation"]) == (suggestion.rag.value, suggestion.explanation)
    assert body["rag"] == "red"


@pytest.mark.parametrize("month", ["", "2021-13", "June", "2021-06-01"])
def test_monthly_needs_a_good_month(api_for, month):
    response = api_for(PAFA).get(f"/api/breaches/monthly/?month={month}")
    assert response.status_code == 400
    assert "month" in response.json()


# --- Communications -------------------------------------------------------------------------


def test_communication_create_keeps_checklist_and_score(api_for):
    response = api_for(CUSTOMER_OPS).post("/api/communications/", COMMUNICATION, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["score"] == 7.5
    assert body["checklist"]["states_subject"] is True
    assert body["checklist"]["states_impact"] is False
    assert len(body["checklist"]) == 7


def test_communication_score_comes_from_the_framework_unless_adjusted_with_a_reason(api_for):
    api = api_for(CUSTOMER_OPS)
    framework = {k: v for k, v in COMMUNICATION.items() if k not in ("score", "score_reason")}
    body = api.post("/api/communications/", framework, format="json").json()
    assert (body["score"], body["framework_score"], body["weights_version"]) == (1.9, 1.9, 1)
    unexplained = {**COMMUNICATION, "score_reason": ""}
    refused = api.post("/api/communications/", unexplained, format="json")
    assert refused.status_code == 409
    assert "framework gives 1.9/10" in refused.content.decode()


def test_communication_score_over_ten_is_400(api_for):
    response = api_for(CUSTOMER_OPS).post(
        "/api/communications/", {**COMMUNICATION, "score": 10.5}, format="json"
    )
    assert response.status_code == 400
    assert "score" in response.json()


def test_communications_monthly_gives_mean_change_ytd_and_class(api_for):
    from decimal import Decimal

    CommunicationFactory(quality_score=Decimal("9.0"))
    CommunicationFactory(quality_score=Decimal("8.0"))
    CommunicationFactory(
        quality_score=Decimal("6.0"), sent_at=datetime(2020, 10, 5, 12, tzinfo=LONDON)
    )
    body = api_for(COMMITTEE_MEMBER).get("/api/communications/monthly/?month=2020-11").json()
    assert body["month"] == "2020-11"
    assert body["mean"] == 8.5
    assert body["change"] == 2.5
    assert body["year_to_date_mean"] == pytest.approx(7.25, abs=0.05)
    assert body["class"] == "met_expectations"


def test_csv_export_streams_every_filtered_row(api_for):
    for _ in range(3):
        BreachFactory()
    response = api_for(PAFA).get("/api/breaches/?format=csv")
    assert response.status_code == 200
    assert response.streaming
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("reference,severity,identified_at")
    assert len(lines) == 1 + 3


def test_csv_export_is_refused_without_a_role(api_for):
    assert api_for("none").get("/api/breaches/?format=csv").status_code == 403


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("/api/issues/", "customer"),
        ("/api/breaches/", "customer"),
        ("/api/communications/", "customer"),
        ("/api/kvis/", "committee"),
        ("/api/plans/", "party"),
    ],
)
def test_a_filter_on_a_record_that_does_not_exist_matches_nothing(api_for, url, key):
    # Before: 400 "Select a valid choice" for a well-formed key the schema allows; a key of the
    # wrong type is still refused with a message.
    from core.roles import ADMIN

    client = api_for(ADMIN)
    none = client.get(url, {key: "987654"})
    assert none.status_code == 200
    assert none.json()["results"] == []
    if key != "committee":  # a committee's key is its code, any text
        bad = client.get(url, {key: "not-a-number"})
        assert bad.status_code == 400
        assert bad.json()[key]


def test_a_form_body_is_refused_with_415_and_a_message(client_for):
    # JSON only (issue #14): a form body would read an empty date as null and a nested
    # checklist as text, accepting what the schema calls invalid.
    client = client_for(ADMIN)
    response = client.post("/api/breaches/", {"resolved_at": ""}, format="multipart")
    assert response.status_code == 415
    assert "multipart/form-data" in response.json()["detail"]


def test_a_customer_that_does_not_exist_is_422_with_the_field(api_for):
    # Well formed but naming no record (issue #14): 422, the message on the field.
    client = api_for(CUSTOMER_OPS)
    missing = OrganisationFactory().pk + 1000
    response = client.post("/api/issues/", {**ISSUE, "customers": [missing]}, format="json")
    assert response.status_code == 422
    assert response.json() == {"customers": [f'Invalid pk "{missing}" - object does not exist.']}
    # Any other error with it is bad input: 400.
    both = {**ISSUE, "customers": [missing], "title": ""}
    assert client.post("/api/issues/", both, format="json").status_code == 400
    assert not Issue.objects.exists()


def test_one_level_alone_rescores_with_the_other_as_it_is(api_for):
    # Before (issue #14): 400 "Re-scoring needs both impact and financial_level".
    issue = IssueFactory(impact=2, financial=3)
    response = api_for(CUSTOMER_OPS).patch(
        f"/api/issues/{issue.reference}/",
        {"version": issue.version, "impact": "high", "reason": "Worse than we thought"},
        format="json",
    )
    assert response.status_code == 200, response.content
    issue.refresh_from_db()
    assert (issue.impact, issue.financial, issue.score) == (3, 3, 9)


def test_a_json_body_s_types_are_its_schema_s(api_for):
    # Issue #14: DRF read 0 as the text "0" and 0 as "no", accepting what the schema refuses.
    client = api_for(ADMIN)
    issue = client.post("/api/issues/", {**ISSUE, "description": 0}, format="json")
    assert issue.status_code == 400
    assert issue.json() == {"description": ["Not a valid string."]}
    checklist = {"gives_contact": 0}
    body = {"kind": "ad_hoc", "sent_at": "2020-11-10T12:00:00Z", "subject": "x", "score": 5}
    communication = client.post(
        "/api/communications/", {**body, "checklist": checklist}, format="json"
    )
    assert communication.status_code == 400
    assert communication.json() == {"checklist": {"gives_contact": ["Must be a valid boolean."]}}
    no_list = client.post("/api/issues/", {**ISSUE, "customers": {}}, format="json")
    assert no_list.status_code == 400
    assert no_list.json() == {"customers": ['Expected a list of items but got type "dict".']}
    assert not Issue.objects.exists()


def test_a_score_is_rounded_to_its_places_before_its_digits_are_counted(api_for):
    # A JSON number is a float: 7.249999999999999 is 7.2, not "more than 3 digits".
    body = {"kind": "ad_hoc", "sent_at": "2020-11-10T12:00:00Z", "subject": "x"}
    body |= {"score": 7.249999999999999, "score_reason": "Assessed by hand"}
    response = api_for(ADMIN).post("/api/communications/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["score"] == 7.2


@pytest.mark.parametrize("url", ["/api/issues/", "/api/breaches/"])
def test_the_overdue_filter_takes_true_or_false_only(api_for, url):
    client = api_for(ADMIN)
    assert client.get(url + "?overdue=true").status_code == 200
    assert client.get(url + "?overdue=false").status_code == 200
    refused = client.get(url + "?overdue=null")
    assert refused.status_code == 400
    assert refused.json() == {"overdue": ["Give true or false."]}


def test_an_empty_month_filter_lists_every_month(api_for):
    IssueFactory()
    assert api_for(ADMIN).get("/api/issues/?month=").json()["count"] == 1
