import pytest
from playwright.sync_api import expect

from conftest import ROLE_USERNAMES
from core.roles import ROLES

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_logs_in_sees_navigation_and_logs_out(
    role, role_users, login, page, live_server, screenshot
):
    login(ROLE_USERNAMES[role])
    nav = page.get_by_role("navigation", name="Main navigation")
    for area in ("KVIs", "Issues & breaches", "Surveys", "Improvement plans"):
        expect(nav.get_by_role("link", name=area)).to_be_visible()
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(role)
    screenshot(f"home-{role.lower().replace(' ', '-')}")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.goto(f"{live_server.url}/kvis/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/kvis/")


def test_wrong_password_says_so(role_users, login, page):
    login(ROLE_USERNAMES[ROLES[0]], password="not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("did not match")


def test_login_form_is_keyboard_usable(role_users, page, live_server):
    from conftest import PASSWORD

    page.goto(f"{live_server.url}/accounts/login/")
    page.keyboard.type(ROLE_USERNAMES[ROLES[1]])  # the username field has focus on load
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(ROLES[1])
