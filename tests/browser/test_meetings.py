"""Browser: a KVI owner enters three KVIs' figures on My updates in one form, sees each one's
suggested RAG, submits them together; the approver sees them waiting with the deadline."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from conftest import ROLE_USERNAMES
from core.roles import ADMIN, CUSTOMER_OPS

pytestmark = pytest.mark.django_db(transaction=True)

WIDE, NARROW = {"width": 1366, "height": 900}, {"width": 390, "height": 844}
#: code, measure, actual typed, the suggestion it gives against a 95 % target
ENTRIES = [
    ("KVI-01", "Overall trust score", "96", "Green"),
    ("KVI-02", "Change survey score", "92", "Amber"),
    ("KVI-03", "Calls answered in 60 seconds", "80", "Red"),
]


@pytest.fixture
def meeting(role_users):
    from core.calendar import add_business_days, closed_days, localdate
    from core.models import Committee
    from kvis.models import KVI, Measure
    from meetings import services

    comc = Committee.objects.create(code="CoMC", name="Contract Management Committee")
    today = localdate()
    day = add_business_days(today, 10, closed_days([today.year, today.year + 1]))
    meeting = services.meeting_create(committee=comc, day=day)
    for code, measure, _, _ in ENTRIES:
        kvi = KVI.objects.create(
            code=code,
            title=measure.capitalize(),
            description="A commitment.",
            owner=role_users[CUSTOMER_OPS],
            active_from=meeting.month_reviewed.replace(year=meeting.month_reviewed.year - 1),
        )
        kvi.committees.add(comc)
        Measure.objects.create(kvi=kvi, name=measure, kind="percentage", target_value=Decimal(95))
    return meeting


def _shots(page, screenshot, name):
    page.set_viewport_size(NARROW)
    screenshot(f"{name}-390")
    page.set_viewport_size(WIDE)
    screenshot(f"{name}-1366")


def test_owner_enters_three_kvis_in_one_form_and_the_approver_sees_them_waiting(
    meeting, login, page, live_server, screenshot
):
    page.set_viewport_size(WIDE)
    login(ROLE_USERNAMES[CUSTOMER_OPS])
    expect(page.get_by_role("heading", name="My updates")).to_be_visible()  # owners land here
    expect(page.get_by_test_id("submission-deadline")).to_contain_text("5 business days left")
    for code, *_ in ENTRIES:
        expect(page.get_by_test_id(f"row-{code}").get_by_test_id("state")).to_have_text(
            "Not started"
        )
    for code, measure, actual, rag in ENTRIES:
        entry = page.get_by_test_id(f"entry-{code}")
        figure = entry.get_by_label(f"{measure}: actual")
        figure.fill(actual)
        figure.press("Tab")  # the change event asks for the live suggestion
        expect(page.get_by_test_id(f"suggestion-{code}")).to_contain_text(rag)
        entry.get_by_label("Last update").fill(f"{measure} was {actual}% in the month.")
    _shots(page, screenshot, "my-updates-entered")

    page.get_by_role("button", name="Save and submit all for approval").click()
    expect(page.get_by_role("alert").filter(has_text="Submitted")).to_contain_text(
        "KVI-01, KVI-02, KVI-03"
    )
    for code, *_ in ENTRIES:
        expect(page.get_by_test_id(f"row-{code}").get_by_test_id("state")).to_have_text("Submitted")
    _shots(page, screenshot, "my-updates-submitted")
    page.get_by_role("button", name="Log out").click()

    login(ROLE_USERNAMES[ADMIN])
    page.goto(f"{live_server.url}/meetings/")
    waiting = page.get_by_role("region", name="Waiting for approval")
    expect(waiting).to_contain_text("3 updates waiting")
    expect(waiting).to_contain_text(
        f"{meeting.approval_deadline:%a} {meeting.approval_deadline.day}"
    )
    _shots(page, screenshot, "meetings-waiting")
    waiting.get_by_role("link", name=str(meeting)).click()
    expect(page.get_by_test_id("waiting")).to_contain_text("KVI-01")
    expect(page.get_by_test_id("waiting")).to_contain_text("KVI-03")
    expect(page.get_by_test_id("approval-deadline")).to_contain_text("business days left")
    _shots(page, screenshot, "meeting-page-approver")
