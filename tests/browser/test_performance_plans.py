"""PAFA takes the demo NGS plan from step 1 to closure in the browser; each gate refuses a
premature move and says why; a committee member reads it; another party's user gets 404."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.demo import DEMO_PASSWORD
from performance_plans.models import Plan

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_data(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    from core import demo as core_demo
    from performance_plans import demo

    core_demo.load()
    demo.load()
    return Plan.objects.get(party__short_name="NGS")


def _move(page, expected_error: str | None):
    page.get_by_role("button", name=re.compile(r"^Move to ")).click()
    page.wait_for_load_state()
    alert = page.get_by_role("alert")
    if expected_error:
        expect(alert).to_contain_text(expected_error)
    else:
        expect(alert).to_contain_text("The plan is now at")


def _edit(page, fields: dict[str, str], files: dict[str, str] | None = None):
    page.get_by_role("link", name="Edit plan record").click()
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    for label, path in (files or {}).items():
        page.get_by_label(label, exact=True).set_input_files(path)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Plan saved.")


def test_pafa_takes_the_demo_plan_from_step_one_to_closure(
    demo_data, login, page, live_server, screenshot, tmp_path
):
    plan_url = f"{live_server.url}/plans/{demo_data.pk}/"
    login("pafa", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/plans/")
    screenshot("plans-list")
    page.get_by_role("link", name=demo_data.title).click()
    expect(page.get_by_test_id("current-step")).to_contain_text("1. Gaps outlined")
    screenshot("plans-step1")

    # Step 2: refused until the meeting, an action and both signatures are recorded.
    _move(page, "Cannot move to “2. Plan established”: missing the formal meeting")
    expect(page.get_by_role("alert")).to_contain_text("at least one action")
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Description").fill("Appoint a local read-submission manager")
    page.get_by_label("Owner side").select_option("party")
    page.get_by_label("Owner name").fill("NGS operations director")
    page.get_by_label("Target").fill("Manager in post; reads at 95%")
    page.get_by_label("Start on").fill("2022-02-01")
    page.get_by_label("Due on").fill("2022-05-01")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Action added.")
    _move(page, "the party's signature (who and when)")
    _edit(
        page,
        {
            "Formal meeting held on": "2022-02-01",
            "Signed for party by": "NGS operations director",
            "Signed for party on": "2022-02-02",
            "Signed for provider by": "Priya PAFA",
            "Signed for provider on": "2022-02-02",
        },
    )
    _move(page, None)
    expect(page.get_by_test_id("current-step")).to_contain_text("2. Plan established")

    # Step 3: refused until the written notification is recorded with its document.
    _move(page, "Cannot move to “3. Notified”: missing the date of the formal written notification")
    notice = tmp_path / "notice.pdf"
    notice.write_bytes(b"%PDF-1.4\n%%EOF\n")
    _edit(
        page,
        {"Written notification sent on": "2022-02-08", "Notification sent by": "PAFA for PAC"},
        {"Notification document": str(notice)},
    )
    _move(page, None)

    # Step 4: refused until Customer Ops' contract-manager contact is on the plan.
    _move(page, "the party's contract-manager e-mail")
    _edit(page, {"Party contact email": "contracts@ngs.example"})
    _move(page, None)
    expect(page.get_by_test_id("current-step")).to_contain_text("4. Under review")
    expect(page.get_by_text("Next review:")).to_be_visible()

    # Step 5: refused before a review is held, then an insufficient outcome needs the impact
    # notification.
    page.get_by_role("link", name="Close the plan…").click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Cannot move to “5. Closed”: missing at least one review meeting held"
    )
    page.get_by_role("link", name=re.compile("^← ")).click()
    page.get_by_role("link", name=re.compile("^Record the review of")).click()
    page.get_by_label("Held on").fill(timezone.localdate().isoformat())
    page.get_by_label("Attendees").fill("Priya PAFA\nOlivia Ops\nNGS operations director")
    page.get_by_label("RAG for the plan").select_option("amber")
    page.get_by_label("% complete: Appoint a local read-submission manager").fill("60")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Review recorded")
    expect(page.get_by_test_id("plan-rag")).to_have_text("A")
    screenshot("plans-under-review")

    page.get_by_role("link", name="Close the plan…").click()
    page.get_by_label("Outcome").select_option("insufficient")
    page.get_by_label("Final documentation: results achieved").fill("Reads at 89%, below 95%.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("contractual-impact notification")
    page.get_by_label("Contractual impact notified on").fill("2022-06-01")
    page.get_by_label("Contractual impact notified by").fill("PAC chair")
    page.get_by_label("Contractual impact notification").set_input_files(str(notice))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Plan closed")
    expect(page.get_by_test_id("outcome")).to_have_text("Insufficient")
    screenshot("plans-closed")
    assert page.url == plan_url


def test_committee_member_reads_the_plan_and_cannot_change_it(demo_data, login, page, live_server):
    login("committee", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/plans/{demo_data.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(demo_data.title)
    expect(page.get_by_test_id("gate-missing")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Move to "))).to_have_count(0)
    expect(page.get_by_role("link", name="Edit plan record")).to_have_count(0)
    response = page.goto(f"{live_server.url}/plans/{demo_data.pk}/edit/")
    assert response.status == 403


def test_party_users_see_their_own_plan_and_get_404_for_another(
    demo_data, login, page, live_server, django_user_model, screenshot
):
    from core.models import Organisation

    ses_plan = Plan.objects.get(party__short_name="SES")
    login("party", DEMO_PASSWORD)  # Northern Gas Supply's user
    page.goto(f"{live_server.url}/plans/")
    expect(page.get_by_role("link", name=demo_data.title)).to_be_visible()
    expect(page.get_by_role("link", name=ses_plan.title)).to_have_count(0)
    assert page.goto(f"{live_server.url}/plans/{ses_plan.pk}/").status == 404

    ses_user = django_user_model.objects.create_user("ses-person", password=DEMO_PASSWORD)
    Organisation.objects.get(short_name="SES").users.add(ses_user)
    page.context.clear_cookies()
    login("ses-person", DEMO_PASSWORD)
    assert page.goto(f"{live_server.url}/plans/{demo_data.pk}/").status == 404
    page.goto(f"{live_server.url}/plans/{ses_plan.pk}/")
    expect(page.get_by_test_id("current-step")).to_contain_text("4. Under review")
    screenshot("plans-party-view")


def test_raci_matrix_page(demo_data, login, page, live_server, screenshot):
    login("ops", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/plans/")
    page.get_by_role("link", name="Roles & responsibilities (RACI)").click()
    table = page.get_by_role("table")
    for role in ("PAFA", "Customer Ops team", "CAMs"):
        expect(table.get_by_role("columnheader", name=role)).to_be_visible()
    expect(
        table.get_by_role("rowheader", name=re.compile("^Attendance at PAC meetings"))
    ).to_be_visible()
    screenshot("plans-raci")


def test_a_plan_rag_that_differs_from_its_actions_says_why(
    role_users, login, page, live_server, screenshot
):
    from datetime import date

    from conftest import ROLE_USERNAMES
    from core.roles import COMMITTEE_MEMBER
    from performance_plans.models import ActionProgress, Review
    from performance_plans.tests.factories import ActionFactory, PlanFactory

    plan = PlanFactory(title="Meter read performance")
    late = ActionFactory(plan=plan, description="Clear the backlog of unread meters")
    review = Review.objects.create(
        plan=plan, scheduled_on=date(2022, 3, 15), held_on=date(2022, 3, 15), plan_rag="green"
    )
    ActionProgress.objects.create(
        review=review,
        action=late,
        percent_complete=10,
        expected_percent=50,
        rag="off_track",
        settings_version=1,
    )
    login(ROLE_USERNAMES[COMMITTEE_MEMBER])
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/plans/{plan.pk}/")
        expect(page.get_by_test_id("plan-rag-note")).to_contain_text(
            "“Clear the backlog of unread meters” was Off track"
        )
        screenshot(f"plans-rag-note-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
