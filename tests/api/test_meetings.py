"""The calendar's API: meetings, actions and forward-plan items with the pages' permissions,
writes needing the current version (409 when stale)."""

import pytest

from core.roles import ADMIN, COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA
from core.tests.factories import CommitteeFactory
from kvis.models import ForwardPlanItem
from meetings.tests.factories import ActionFactory, MeetingFactory
from tests.api.conftest import CALLERS, refused_status

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", CALLERS)
@pytest.mark.parametrize("path", ["/api/meetings/", "/api/actions/", "/api/forward-plan/"])
def test_reading_follows_the_pages(api_for, role, path):
    status = api_for(role).get(path).status_code
    assert status == (
        200 if role in (COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA, ADMIN) else refused_status(role)
    )


def test_schedule_a_meeting_and_change_it_with_its_version(api_for):
    CommitteeFactory()
    admin = api_for(ADMIN)
    created = admin.post("/api/meetings/", {"committee": "CoMC", "date": "2020-12-16"})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["month_reviewed"], body["submission_deadline"]) == ("2020-11", "2020-12-09")
    assert created["ETag"] == '"1"'
    url = f"/api/meetings/{body['id']}/"
    changed = admin.patch(url, {"version": 1, "location": "Online"}, format="json")
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = admin.patch(url, {"version": 1, "location": "Solihull"}, format="json")
    assert stale.status_code == 409
    assert admin.patch(url, {"location": "x"}, format="json").status_code == 400  # no version
    refused = api_for(COMMITTEE_MEMBER).post(
        "/api/meetings/", {"committee": "CoMC", "date": "2021-01-20"}
    )
    assert refused.status_code == 403


def test_actions_owner_completes_admin_edits(api_for, role_users):
    meeting = MeetingFactory()
    admin = api_for(ADMIN)
    created = admin.post(
        "/api/actions/",
        {
            "meeting": meeting.pk,
            "title": "Send forecast",
            "owner_name": "Finance",
            "owner": role_users[CUSTOMER_OPS].username,
            "due": "2030-01-15",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "on_target" and created.json()["start"] == "2020-12-16"
    url = f"/api/actions/{created.json()['id']}/"
    owner = api_for(CUSTOMER_OPS)
    assert owner.patch(url, {"version": 1, "due": "2031-01-01"}, format="json").status_code == 403
    done = owner.patch(url, {"version": 1, "completion_note": "Sent"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "complete"
    assert owner.patch(url, {"version": 2, "completion_note": "x"}, format="json").status_code == (
        409
    )
    other = ActionFactory(meeting=meeting)
    refused = api_for(PAFA).patch(
        f"/api/actions/{other.pk}/", {"version": 1, "completion_note": "x"}, format="json"
    )
    assert refused.status_code == 409  # not their action
    edited = admin.patch(
        f"/api/actions/{other.pk}/", {"version": 1, "title": "Renamed"}, format="json"
    )
    assert edited.status_code == 200 and edited.json()["title"] == "Renamed"


def test_forward_plan_items(api_for):
    CommitteeFactory()
    admin = api_for(ADMIN)
    created = admin.post(
        "/api/forward-plan/",
        {"committee": "CoMC", "decision_date": "2021-01-20", "item": "Trust survey results"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    item = created.json()
    assert item["status"] in ("planned", "overdue") and item["version"] == 1
    url = f"/api/forward-plan/{item['id']}/"
    assert admin.get(url)["ETag"] == '"1"'
    changed = admin.patch(url, {"version": 1, "champion": "CAMs"}, format="json")
    assert changed.status_code == 200 and changed.json()["version"] == 2
    assert admin.patch(url, {"version": 1, "champion": "x"}, format="json").status_code == 409
    assert ForwardPlanItem.objects.get().champion == "CAMs"
    listed = admin.get("/api/forward-plan/", {"committee": CommitteeFactory().pk}).json()
    assert listed["count"] == 1
    assert api_for(CUSTOMER_OPS).post("/api/forward-plan/", {}, format="json").status_code == 403


def test_the_calendars_filters_refuse_what_the_schema_refuses_and_take_the_rest(api_for):
    item = ForwardPlanItem.objects.create(
        committee=CommitteeFactory(), decision_date="2021-01-20", item="Survey results"
    )
    MeetingFactory(committee=item.committee)
    client = api_for(ADMIN)

    def count(path, **query):
        response = client.get(path, query)
        assert response.status_code == 200, response.content
        return response.json()["count"]

    # Empty is no filter, as the page's filter form sends it; a date in the portal's years
    # filters; one outside them, or not a date, is 400 with a message.
    assert count("/api/forward-plan/", decision_before="") == 1
    assert count("/api/forward-plan/", decision_before="2021-01-19") == 0
    assert count("/api/forward-plan/", decision_after="2021-01-20") == 1
    for bad in ("1999-12-31", "2021-02-30", "20-01-2021"):
        response = client.get("/api/forward-plan/", {"decision_before": bad})
        assert response.status_code == 400 and "decision_before" in response.json(), bad
    response = client.get("/api/meetings/", {"year": 0})
    assert response.status_code == 400 and "year" in response.json()
    # A committee or meeting that does not exist has nothing listed (not a 400).
    assert count("/api/forward-plan/", committee=987654) == 0
    assert count("/api/meetings/", committee=987654) == 0
    assert count("/api/actions/", meeting=987654) == 0
    assert count("/api/forward-plan/", committee=item.committee.pk) == 1
