"""The calendar's pages: My updates (one form for every KVI), the meeting page, the forward
plan, notifications, and owners landing on My updates."""

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils.html import escape

from core.roles import ADMIN, COMMITTEE_MEMBER, CUSTOMER_OPS
from kvis import services as kvi_services
from kvis.models import ForwardPlanItem, KVIUpdate, MeasureResult, UpdateStatus
from kvis.tests.factories import KVIFactory, MeasureFactory
from meetings import services
from meetings.models import Notification
from meetings.tests.factories import ActionFactory, MeetingFactory

pytestmark = pytest.mark.django_db

TODAY = date(2020, 12, 7)  # two business days before CoMC's 16 Dec 2020 submissions deadline


@pytest.fixture(autouse=True)
def today():
    with (
        mock.patch("meetings.my_updates.localdate", return_value=TODAY),
        mock.patch("meetings.views.localdate", return_value=TODAY),
        mock.patch("meetings.selectors.localdate", return_value=TODAY),
        mock.patch("meetings.filters.localdate", return_value=TODAY),
    ):
        yield


@pytest.fixture
def meeting():
    return MeetingFactory()


@pytest.fixture
def kvis(meeting, ops_user):
    made = []
    for n in (1, 2, 3):
        kvi = KVIFactory(code=f"KVI-0{n}", owner=ops_user, committees=[meeting.committee])
        MeasureFactory(kvi=kvi, name=f"Score {n}", target_value=Decimal(95))
        made.append(kvi)
    return made


def field(kvi, name):
    return f"kvi{kvi.pk}-{name}"


def entry(kvi, actual, text="Delivered."):
    measure = kvi.measures.get()
    return {
        field(kvi, f"actual_{measure.pk}"): str(actual),
        field(kvi, "last_update"): text,
        field(kvi, "drivers"): "",
        field(kvi, "next_update"): "January CoMC",
        field(kvi, "figures"): "",
        field(kvi, "reported_rag"): "",
        field(kvi, "override_justification"): "",
        field(kvi, "version"): "",
    }


def test_an_owner_lands_on_my_updates(client_for, kvis):
    response = client_for(CUSTOMER_OPS).get("/")
    assert response.url == reverse("meetings:my_updates")


def test_others_land_where_their_role_works(client_for, kvis):
    assert client_for(COMMITTEE_MEMBER).get("/").url == reverse("kvis:dashboard")


def test_my_updates_lists_my_kvis_with_state_and_deadline(client_for, kvis, meeting, ops_user):
    KVIUpdate.objects.create(kvi=kvis[1], month=meeting.month_reviewed, status="submitted")
    previous = KVIUpdate.objects.create(
        kvi=kvis[2], month=date(2020, 10, 1), last_update="The October text", status="approved"
    )
    response = client_for(CUSTOMER_OPS).get(reverse("meetings:my_updates"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Wed 9 Dec 2020" in html and "2 business days left" in html
    states = [e.row.state for e in response.context["entries"]]
    assert states == ["not started", "submitted", "not started"]
    assert response.context["entries"][1].form is None
    assert previous.last_update in html  # last month's text to start from


def test_one_form_saves_three_drafts_then_submits_them_together(client_for, kvis, meeting):
    client = client_for(CUSTOMER_OPS)
    data = {"meeting": meeting.pk, "save": "1"}
    for kvi, actual in zip(kvis, (96, 92, 80), strict=True):
        data |= entry(kvi, actual)
    response = client.post(reverse("meetings:my_updates"), data)
    assert response.status_code == 302
    updates = KVIUpdate.objects.filter(month=meeting.month_reviewed).order_by("kvi__code")
    assert [u.status for u in updates] == ["draft"] * 3
    assert [u.suggested_rag for u in updates] == ["green", "amber", "red"]
    assert MeasureResult.objects.filter(month=meeting.month_reviewed).count() == 3
    page = client.get(reverse("meetings:my_updates"))
    data = {"meeting": meeting.pk, "submit": "1"}
    for e in page.context["entries"]:
        data |= {f"{e.form.prefix}-{k}": v for k, v in e.form.initial.items() if v is not None}
        for name, f in e.form.fields.items():
            if name.startswith("actual_"):
                data[f"{e.form.prefix}-{name}"] = str(f.initial)
    response = client.post(reverse("meetings:my_updates"), data)
    assert response.status_code == 302
    assert set(updates.values_list("status", flat=True)) == {UpdateStatus.SUBMITTED}


def test_submit_one_by_one(client_for, kvis, meeting):
    data = {"meeting": meeting.pk, "submit_one": str(kvis[0].pk)} | entry(kvis[0], 96)
    client_for(CUSTOMER_OPS).post(reverse("meetings:my_updates"), data)
    assert KVIUpdate.objects.get(kvi=kvis[0]).status == UpdateStatus.SUBMITTED
    assert not KVIUpdate.objects.filter(kvi__in=kvis[1:]).exists()


def test_one_bad_entry_saves_nothing(client_for, kvis, meeting):
    data = {"meeting": meeting.pk, "save": "1"} | entry(kvis[0], 96) | entry(kvis[1], 150)
    response = client_for(CUSTOMER_OPS).post(reverse("meetings:my_updates"), data)
    assert response.status_code == 400
    assert not KVIUpdate.objects.exists()


def test_a_stale_version_refuses_all_with_409(client_for, kvis, meeting, ops_user):
    update = kvi_services.update_save(
        kvi=kvis[0],
        month=meeting.month_reviewed,
        by=ops_user,
        last_update="x",
        drivers="",
        next_update="",
    )
    data = {"meeting": meeting.pk, "save": "1"} | entry(kvis[0], 96) | entry(kvis[1], 92)
    data[field(kvis[0], "version")] = str(update.version - 1)
    response = client_for(CUSTOMER_OPS).post(reverse("meetings:my_updates"), data)
    assert response.status_code == 409
    assert not KVIUpdate.objects.filter(kvi=kvis[1]).exists()


def test_a_returned_update_shows_why(client_for, kvis, meeting, ops_user, admin_user_):
    update = kvi_services.update_save(
        kvi=kvis[0],
        month=meeting.month_reviewed,
        by=ops_user,
        last_update="x",
        drivers="",
        next_update="",
    )
    update = kvi_services.update_submit(update=update, by=ops_user)
    kvi_services.update_return_to_draft(update=update, by=admin_user_, reason="Add the drivers.")
    response = client_for(CUSTOMER_OPS).get(reverse("meetings:my_updates"))
    row = response.context["entries"][0].row
    assert (row.state, row.returned_reason) == ("returned", "Add the drivers.")
    assert "Add the drivers." in response.content.decode()


def test_the_live_suggestion(client_for, kvis, meeting):
    url = reverse("meetings:my_update_preview", args=[meeting.pk, kvis[0].pk])
    response = client_for(CUSTOMER_OPS).post(url, entry(kvis[0], 80, text=""))
    assert response.status_code == 200
    assert "Red" in response.content.decode()
    assert f'id="suggestion-{kvis[0].pk}"' in response.content.decode()


def test_the_meeting_page(client_for, meeting, kvis, ops_user):
    KVIUpdate.objects.create(
        kvi=kvis[0], month=meeting.month_reviewed, status="submitted", submitted_by=ops_user
    )
    ForwardPlanItem.objects.create(
        committee=meeting.committee, decision_date=meeting.date, item="Final Q2 forecast"
    )
    ActionFactory(
        meeting=meeting,
        title="Review KVIs and measures",
        due=date(2020, 12, 1),
        start=date(2020, 11, 1),
    )
    response = client_for(ADMIN).get(meeting.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Final Q2 forecast" in html and "Review KVIs and measures" in html
    # Before the meeting the log is as at today: due 1 Dec and not done is Delayed on 7 Dec.
    assert "action-delayed" in html and "action-on_target" not in html
    assert "Wed 9 Dec 2020" in html and "Fri 11 Dec 2020" in html


def test_record_a_decision_and_an_action_and_complete_it(client_for, meeting, ops_user):
    item = ForwardPlanItem.objects.create(
        committee=meeting.committee, decision_date=meeting.date, item="Final Q2 forecast"
    )
    admin = client_for(ADMIN)
    response = admin.post(
        reverse("meetings:decision_add", args=[meeting.pk]),
        {"text": "Forecast noted", "decided_by": "CoMC members", "forward_plan_item": item.pk},
    )
    assert response.status_code == 302
    assert item.decision.decided_by == "CoMC members"
    response = admin.post(
        reverse("meetings:action_add", args=[meeting.pk]),
        {
            "title": "Send forecast",
            "owner_name": "Finance",
            "owner": ops_user.pk,
            "start": "2020-12-16",
            "due": "2021-01-15",
        },
    )
    assert response.status_code == 302
    action = meeting.actions.get()
    url = reverse("meetings:action_complete", args=[meeting.pk, action.pk])
    refused = client_for(COMMITTEE_MEMBER).post(url, {"version": 1, "completion_note": "x"})
    assert refused.status_code == 403
    done = client_for(CUSTOMER_OPS).post(url, {"version": 1, "completion_note": "Sent"})
    assert done.status_code == 302
    action.refresh_from_db()
    assert action.completion_note == "Sent" and action.completed_on is not None


def test_a_non_owner_with_change_permission_is_refused_409(client_for, meeting, pafa_user):
    from meetings.models import Action

    action = Action.objects.create(
        meeting=meeting, title="A", owner_name="x", start=meeting.date, due=meeting.date
    )
    url = reverse("meetings:action_complete", args=[meeting.pk, action.pk])
    response = client_for(CUSTOMER_OPS).post(url, {"version": 1, "completion_note": "Done"})
    assert response.status_code == 409
    assert escape(services.NOT_ACTION_OWNER) in response.content.decode()


def test_forward_plan_filters_and_exports(client_for, meeting):
    ForwardPlanItem.objects.create(
        committee=meeting.committee, decision_date=date(2020, 12, 16), item="Forecast"
    )
    ForwardPlanItem.objects.create(
        committee=meeting.committee, decision_date=date(2021, 1, 20), item="Trust survey"
    )
    client = client_for(COMMITTEE_MEMBER)
    page = client.get(reverse("meetings:forward_plan"), {"status": "planned"})
    assert page.status_code == 200
    assert "Trust survey" in page.content.decode() and "Forecast" in page.content.decode()
    csv = client.get(reverse("meetings:forward_plan"), {"item": "trust", "_export": "csv"})
    assert csv.status_code == 200
    body = csv.content.decode()
    assert "Trust survey" in body and "Forecast" not in body and "Planned" in body


def test_notifications_and_the_unread_count(client_for, ops_user):
    services.notification_send(recipient=ops_user, subject="Due Wednesday")
    client = client_for(CUSTOMER_OPS)
    assert client.get(reverse("meetings:index")).context["unread_notifications"] == 1
    page = client.get(reverse("meetings:notifications"))
    assert "Due Wednesday" in page.content.decode() and " · new" in page.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert client.get(reverse("meetings:index")).context["unread_notifications"] == 0


def test_meeting_list_shows_updates_waiting_with_the_approval_deadline(client_for, meeting, kvis):
    KVIUpdate.objects.create(kvi=kvis[0], month=meeting.month_reviewed, status="submitted")
    page = client_for(ADMIN).get(reverse("meetings:index"))
    html = page.content.decode()
    assert "1 update waiting" in html and "Fri 11 Dec 2020" in html


def test_the_admin_enters_a_years_schedule(client, django_user_model):
    from core.tests.factories import CommitteeFactory
    from meetings.models import Meeting

    comc = CommitteeFactory()
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.org", "x"))
    response = client.post(
        "/admin/meetings/committeecalendar/add/",
        {
            "committee": comc.pk,
            "submission_days": 5,
            "approval_days": 3,
            "pack_days": 2,
            "schedule": "2021-01-20\n2021-02-17\n",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    meetings = Meeting.objects.filter(committee=comc).order_by("date")
    assert [(m.date, m.submission_deadline) for m in meetings] == [
        (date(2021, 1, 20), date(2021, 1, 13)),
        (date(2021, 2, 17), date(2021, 2, 10)),
    ]
    bad = client.post(
        f"/admin/meetings/committeecalendar/{comc.calendar.pk}/change/",
        {
            "committee": comc.pk,
            "submission_days": 5,
            "approval_days": 3,
            "pack_days": 2,
            "schedule": "20 Jan",
        },
    )
    assert bad.status_code == 200 and "is not a date" in bad.content.decode()


def test_the_approver_returns_an_update_with_a_reason_the_owner_reads(
    client_for, kvis, meeting, ops_user
):
    update = kvi_services.update_save(
        kvi=kvis[0],
        month=meeting.month_reviewed,
        by=ops_user,
        last_update="x",
        drivers="",
        next_update="",
    )
    update = kvi_services.update_submit(update=update, by=ops_user)
    url = reverse("kvis:return", args=[kvis[0].code, meeting.month_reviewed])
    response = client_for(ADMIN).post(url, {"version": update.version, "reason": "Say why."})
    assert response.status_code == 302
    page = client_for(CUSTOMER_OPS).get(reverse("meetings:my_updates"))
    row = page.context["entries"][0].row
    assert (row.state, row.returned_reason) == ("returned", "Say why.")
