"""The demo's reporting calendar says what the documents say."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from meetings import selectors
from meetings.models import Action, Meeting
from meetings.rules import ActionStatus

pytestmark = pytest.mark.django_db
DEC_16 = date(2020, 12, 16)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def comc_december(demo, db):
    return Meeting.objects.get(committee__code="CoMC", date=DEC_16)


def test_comc_16_december_2020_reviews_november_with_its_deadlines(comc_december):
    assert comc_december.month_reviewed == date(2020, 11, 1)
    assert comc_december.submission_deadline == date(2020, 12, 9)
    assert Meeting.objects.filter(committee__code="PAC", date=date(2022, 1, 18)).exists()


def test_the_review_plan_is_the_action_log_and_its_delayed_row_stays_delayed(comc_december):
    log = selectors.meeting_actions(comc_december)
    assert len(log) == 14
    rows = {r.action.title: r.status for r in log}
    assert rows["Review KVIs and measures"] is ActionStatus.DELAYED
    assert rows["Present approach & plan to CoMC"] is ActionStatus.COMPLETE
    assert rows["Report the Amber KVIs' recovery to the January CoMC"] is ActionStatus.ON_TARGET
    assert [r for r, s in rows.items() if s is ActionStatus.DELAYED] == ["Review KVIs and measures"]
    # The document's typing error (17/10/2109) is read as 17/10/2019.
    assert Action.objects.get(title="Review KVIs and measures").start == date(2019, 10, 17)


def test_the_delayed_action_carries_to_january(demo, db):
    january = Meeting.objects.get(committee__code="CoMC", date=date(2021, 1, 20))
    carried = [r.action.title for r in selectors.meeting_actions(january) if r.carried]
    assert carried == [
        "Review KVIs and measures",
        "Report the Amber KVIs' recovery to the January CoMC",
    ]


def test_the_meeting_page_shows_decisions_due_and_recorded(comc_december):
    client = Client()
    client.force_login(comc_december.committee.members.get(username="committee"))
    html = client.get(comc_december.get_absolute_url()).content.decode()
    assert "Final Q2 financial forecast position" in html  # the forward plan's item...
    assert "plan-decided" in html  # ...answered by a decision recorded at the meeting
    assert "November 2020 KVI pack reviewed" in html
    assert "Review KVIs and measures" in html


def test_the_demo_owner_lands_on_my_updates_for_the_latest_round(demo, db):
    client = Client()
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="ops"))
    assert client.get("/").url == reverse("meetings:my_updates")
    page = client.get(reverse("meetings:my_updates"))
    assert page.context["meeting"].date == date(2021, 1, 20)
    states = {e.row.kvi.code: e.row.state for e in page.context["entries"]}
    assert states["KVI-01"] == "submitted" and states["KVI-03"] == "draft"
    assert states["KVI-07"] == "not started"


def test_the_november_pack_prints_the_meetings_decisions_due_and_action_log(comc_december):
    from io import BytesIO

    from django.contrib.auth import get_user_model
    from pypdf import PdfReader

    from kvis import packs

    admin = get_user_model().objects.get(username="admin")
    pack = packs.pack_request(
        committee=comc_december.committee,
        month=comc_december.month_reviewed,
        by=admin,
        enqueue=lambda **kw: None,
    )
    pack = packs.pack_build(pack_id=pack.pk)
    with pack.file.open("rb") as f:
        data = f.read()
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(data)).pages)
    text = " ".join(text.split())
    assert "Decisions due and action log" in text
    assert "Final Q2 financial forecast position" in text
    assert "Review KVIs and measures Xoserve 17 Oct 2019 31 Jan 2020 Delayed" in text
