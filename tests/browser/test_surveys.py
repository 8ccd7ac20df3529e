"""The survey trend page in a real browser: the seed figures, arrows, chart, and the import."""

import pytest
from playwright.sync_api import expect

from conftest import ROLE_USERNAMES
from core import demo as core_demo
from core.roles import COMMITTEE_MEMBER, CUSTOMER_OPS
from surveys import demo
from surveys.models import Round

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seeded(role_users):
    core_demo.load()
    demo.load()


def test_trend_page_shows_seed_scores_and_draws_the_chart(
    seeded, login, page, live_server, screenshot
):
    login(ROLE_USERNAMES[COMMITTEE_MEMBER])
    page.goto(f"{live_server.url}/surveys/")
    page.get_by_label("As at the end of").fill("2020-11")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Rounds held on or before 30 Nov 2020.")).to_be_visible()
    expect(page.get_by_role("heading", name="Trust survey")).to_be_visible()
    trust = page.get_by_test_id("scores-trust")
    for text in ("90.91 %", "up from 85.2 %", "93.94 %", "87.88 %", "down from 95.1 %"):
        expect(trust).to_contain_text(text)
    expect(page.get_by_test_id("ytd-change")).to_contain_text("Year to date (2020/21): 98 %")
    expect(page.get_by_test_id("ytd-change")).to_contain_text("weighted by respondents")
    # Chart.js drew on the canvas (a blank canvas has no chart instance).
    page.wait_for_function("() => Chart.getChart('chart-trust') !== undefined")
    assert page.get_by_role("link", name="Add a round").count() == 0
    screenshot("surveys-trend")


def test_ops_previews_an_import_with_row_errors(
    seeded, login, page, live_server, screenshot, tmp_path
):
    nov = Round.objects.get(label="Nov 2020 survey")
    path = tmp_path / "responses.csv"
    path.write_text(
        "respondent,S1,S2,S3,O1,O2,O3,C1,C2,C3,Z1\nR1,5,9,5,5,5,5,5,5,5,5\nR1,4,4,4,4,4,4,4,4,4,4\n"
    )
    login(ROLE_USERNAMES[CUSTOMER_OPS])
    page.goto(f"{live_server.url}/surveys/rounds/{nov.pk}/import/")
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Preview (dry run)").click()
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("Nothing was imported: 3 errors")
    expect(errors).to_contain_text("Unknown question: 'Z1'")
    expect(errors).to_contain_text("Bad scale value: '9'")
    expect(errors).to_contain_text("Duplicate respondent: 'R1' already answered on row 2")
    screenshot("surveys-import-errors")
    assert nov.responses.count() == 11


def test_feedback_log_lists_the_latest_kvi_year(seeded, login, page, live_server, screenshot):
    login(ROLE_USERNAMES[CUSTOMER_OPS])
    page.goto(f"{live_server.url}/surveys/")
    page.get_by_role("link", name="“You said, we did”").click()
    expect(page.get_by_role("heading", name="“You said, we did”")).to_be_visible()
    expect(page.get_by_label("KVI year")).to_have_value("2020")
    expect(page.get_by_role("table")).to_contain_text("Release pages")
    expect(page.get_by_role("table")).not_to_contain_text("earlier sight of change designs")
    screenshot("surveys-you-said-we-did")
