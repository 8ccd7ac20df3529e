"""A KVI owner writes a month's update, an approver approves it, the dashboard shows it."""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=StringIO())


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("kvi-demo-2020")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_owner_enters_update_override_needs_justification_then_approved(
    demo, page, live_server, screenshot
):
    _login(page, live_server, "ops")
    page.goto(f"{live_server.url}/kvis/KVI-05/2020-12/edit/")
    actual = page.get_by_label("Improvements tested at CoMC this KVI year: actual")
    actual.fill("0")
    actual.dispatch_event("change")
    suggestion = page.locator("#suggestion")
    expect(suggestion).to_contain_text("Amber")
    expect(suggestion).to_contain_text("missed by 1")
    page.get_by_label("Last update").fill("No improvement was tested at CoMC in December.")
    page.get_by_label("Reported RAG").select_option("green")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_contain_text(
        "write a justification"
    )
    screenshot("kvi-update-override-refused")
    page.get_by_label("Override justification").fill(
        "Two improvements are booked for the January CoMC; the pace for the year is on track."
    )
    page.get_by_role("button", name="Save and submit for approval").click()
    expect(page.get_by_test_id("status")).to_have_text("Submitted")
    expect(page.get_by_test_id("reported-rag")).to_contain_text("Green")
    expect(page.get_by_test_id("suggestion-explanation")).to_contain_text("missed by 1")
    page.get_by_role("button", name="Log out").click()

    _login(page, live_server, "admin")
    page.goto(f"{live_server.url}/kvis/approvals/")
    expect(page.get_by_role("cell", name="KVI-05", exact=True)).to_be_visible()
    page.goto(f"{live_server.url}/kvis/KVI-05/2020-12/")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_test_id("status")).to_have_text("Approved")
    page.goto(f"{live_server.url}/kvis/")
    cell = page.get_by_role("link", name="KVI-05 December 2020: Green")
    expect(cell).to_be_visible()
    screenshot("kvi-dashboard")
    page.goto(f"{live_server.url}/kvis/KVI-01/")
    page.wait_for_function("() => document.querySelector('canvas') !== null")
    page.wait_for_timeout(300)
    screenshot("kvi-detail")


def test_committee_member_reads_but_sees_no_write_buttons(demo, page, live_server, screenshot):
    _login(page, live_server, "committee")
    page.goto(f"{live_server.url}/kvis/KVI-07/2020-11/")
    expect(page.get_by_test_id("reported-rag")).to_be_visible()
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    screenshot("kvi-update-committee")
    response = page.goto(f"{live_server.url}/kvis/KVI-05/2020-12/edit/")
    assert response.status == 403


def test_approver_builds_the_november_pack_from_the_button(demo, page, live_server, screenshot):
    _login(page, live_server, "admin")
    page.goto(f"{live_server.url}/kvis/packs/")
    page.get_by_label("Committee").select_option(label="CoMC")
    page.get_by_label("Month").fill("2020-12")
    page.get_by_role("button", name="Preview pack").click()
    expect(page.get_by_role("alert")).to_contain_text("have no approved update yet: KVI-01")
    page.get_by_label("Month").fill("2020-11")
    # With tasks in-process the POST builds the pack before it answers: on a loaded machine that
    # takes longer than a click waits for its navigation, so the row's status says when it is done.
    page.get_by_role("button", name="Preview pack").click(no_wait_after=True)
    row = page.locator("tr", has_text="November 2020").first
    expect(row.get_by_test_id("pack-status")).to_have_text("Ready", timeout=180_000)
    screenshot("kvi-packs")
    href = row.get_by_role("link", name="PDF").get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"
