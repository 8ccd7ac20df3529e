"""Browser: customer ops log a High breach and see both clocks; a committee member cannot."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from conftest import ROLE_USERNAMES
from core.roles import COMMITTEE_MEMBER, CUSTOMER_OPS

pytestmark = pytest.mark.django_db(transaction=True)


def test_ops_logs_a_high_breach_and_sees_both_clocks(
    role_users, login, page, live_server, screenshot
):
    from core.models import Constituency, Organisation

    Organisation.objects.create(
        name="Northern Gas Supply Ltd",
        short_name="NGS",
        constituency=Constituency.objects.create(name="Shippers"),
    )
    login(ROLE_USERNAMES[CUSTOMER_OPS])
    page.goto(f"{live_server.url}/issues/")
    page.get_by_role("link", name="Log a breach").click()
    expect(page.get_by_role("heading", name="Log a data breach")).to_be_visible()
    page.get_by_label("Severity").select_option("high")
    identified = timezone.localtime() - timedelta(hours=1)
    page.get_by_label("Identified at").fill(f"{identified:%Y-%m-%dT%H:%M}")
    page.get_by_label("Description").fill("Shipper report sent to the wrong recipient")
    page.get_by_label("Customers impacted").select_option(
        label="Northern Gas Supply Ltd (Shippers)"
    )
    screenshot("issues-breach-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="High breach")).to_be_visible()
    from issues.models import Breach

    breach = Breach.objects.get()
    clocks = page.get_by_test_id("breach-clocks")
    due = timezone.localtime(breach.notification_due)
    # The portal's one date-time format, "1 Dec 2026 09:30": four hours after identification.
    expect(clocks).to_contain_text(date_format(due, "DATETIME_FORMAT"))
    expect(clocks).to_contain_text(
        f"{date_format(timezone.localtime(breach.resolution_due), 'DATE_FORMAT')} 23:59"
    )
    expect(page.get_by_test_id("notification-clock")).to_contain_text("2 h 59 min left")
    expect(page.get_by_test_id("resolution-clock")).to_contain_text("left")
    screenshot("issues-breach-detail")

    page.get_by_role("link", name="Data breaches").click()
    expect(page.get_by_role("table")).to_contain_text(breach.reference)
    screenshot("issues-breach-list")


def test_bad_breach_input_is_refused_in_the_browser(role_users, login, page, live_server):
    login(ROLE_USERNAMES[CUSTOMER_OPS])
    page.goto(f"{live_server.url}/issues/breaches/new/")
    page.get_by_label("Severity").select_option("low")
    page.get_by_label("Identified at").fill("2021-06-14T10:00")
    page.get_by_label("Resolved at").fill("2021-06-14T09:00")
    page.get_by_label("Description").fill("x")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Resolved at cannot be before identified at.")).to_be_visible()


def test_committee_member_cannot_open_the_breach_form(
    role_users, login, page, live_server, screenshot
):
    login(ROLE_USERNAMES[COMMITTEE_MEMBER])
    page.goto(f"{live_server.url}/issues/")
    expect(page.get_by_role("link", name="Log a breach")).to_have_count(0)
    response = page.goto(f"{live_server.url}/issues/breaches/new/")
    assert response.status == 403
    page.goto(f"{live_server.url}/issues/register/")
    expect(page.get_by_role("heading", name="Published issue register")).to_be_visible()
    screenshot("issues-register-committee")


def test_demo_overview_and_matrix(role_users, login, page, live_server, screenshot):
    from core import demo as core_demo
    from issues import demo

    core_demo.load()
    demo.load()
    login(ROLE_USERNAMES[CUSTOMER_OPS])
    page.goto(f"{live_server.url}/issues/?month=2020-11")
    expect(page.get_by_text("9.7/10 – Exceeded Expectations").first).to_be_visible()
    screenshot("issues-overview-nov-2020")
    page.goto(f"{live_server.url}/issues/matrix/")
    expect(page.get_by_test_id("matrix")).to_contain_text("9")
    screenshot("issues-matrix")
    page.goto(f"{live_server.url}/issues/list/")
    page.get_by_role("link", name="ISS-2020-0011").click()
    expect(page.get_by_text("Overdue", exact=True)).to_be_visible()
    screenshot("issues-issue-detail")
    page.goto(f"{live_server.url}/issues/list/?month=2020-11")
    expect(page.get_by_role("table")).to_contain_text("ISS-2020-0001")
    screenshot("issues-issue-list")
    page.goto(f"{live_server.url}/issues/communications/new/")
    expect(page.get_by_label("Gives a contact name")).to_be_visible()
    screenshot("issues-communication-form")


def test_ops_records_a_breach_notification_in_one_click(
    role_users, login, page, live_server, screenshot
):
    from issues import services

    identified = timezone.now() - timedelta(hours=1)
    breach = services.breach_create(
        severity="high",
        identified_at=identified,
        description="Shipper report sent to the wrong recipient",
        owner=role_users[CUSTOMER_OPS],
    )
    login(ROLE_USERNAMES[CUSTOMER_OPS])
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/issues/breaches/{breach.pk}/")
    lead = page.get_by_test_id("due-next")
    expect(lead).to_contain_text("Notification due")
    expect(lead).to_contain_text("2 h 59 min left")
    screenshot("issues-breach-due-next-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("issues-breach-due-next-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Record notification").click()
    expect(page.get_by_role("alert")).to_contain_text("Notification recorded: Met")
    expect(lead).not_to_contain_text("Record notification")
    expect(lead.get_by_role("button", name="Record resolution")).to_be_visible()
    screenshot("issues-breach-notified-390")
