"""Browser: every page of every role on the demo data, at 1366 and 390 px, and a form showing
its errors: axe-core finds no serious or critical violation, no page is wider than the window,
and no navigation link or button leads to a page that answers 403. Screenshots of every page
go to artifacts/screenshots/walk/.

One test walks every role: the live server's database is flushed after each test, and loading
the demo data (with a built pack) is the slow part.
"""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from tests.browser.conftest import SCREENSHOTS
from tests.urlwalk import all_urls

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
WIDTHS = (1366, 390)
DEMO_PASSWORD = "kvi-demo-2020"
ROLES = ("committee", "ops", "pafa", "admin", "party")
#: Views that answer a POST, a fragment or a file, not a page.
NOT_PAGES = {
    "logout",
    "kvis:approve",
    "kvis:correct",
    "kvis:return",
    "kvis:submit",
    "kvis:update_preview",
    "kvis:pack_status",
    "kvis:pack_pdf",
    "issues:action_done_now",
    "issues:breach_record_notification",
    "issues:breach_record_resolution",
    "plans:transition",
    "plans:file",
    "surveys:chart",
}
#: The pages outside the apps' namespaces that every logged-in user has.
ACCOUNT_PAGES = {"password_change", "password_change_done"}
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.id} (${v.impact}): ` +
      v.nodes.slice(0, 3).map(n => n.target.join(" ")).join("; "));
}"""
#: Links a user is offered to move on: the navigation and the buttons.
OFFERED_LINKS = """() => [...document.querySelectorAll("nav a[href^='/'], main a.btn[href^='/']")]
  .map(a => a.getAttribute("href"))
  .filter(h => !h.includes("_export=") && !h.startsWith("/admin/"))"""


def _page_paths(arguments: dict) -> dict[str, str]:
    """URL name → path of every page of the site (the admin and the API left out)."""
    paths = {}
    for _, name in all_urls():
        own_page = ":" in name or name in ACCOUNT_PAGES
        if not own_page or name.startswith("admin:") or name in NOT_PAGES:
            continue
        try:
            paths[name] = reverse(name, kwargs=arguments.get(name))
        except NoReverseMatch:
            paths[name] = None  # a page whose demo record the walk does not know yet
    return paths


@pytest.fixture
def demo_pages(transactional_db):
    from tests.test_security import _url_arguments

    call_command("load_demo", stdout=StringIO())
    return _page_paths(_url_arguments())


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


class _Statuses:
    """The status each path answers the logged-in user, asked once (no redirect followed)."""

    def __init__(self, page, base: str):
        self.page, self.base, self.seen = page, base, {}

    def __call__(self, path: str) -> int:
        if path not in self.seen:
            self.seen[path] = self.page.request.get(f"{self.base}{path}", max_redirects=0).status
        return self.seen[path]


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def _check(page, width: int, label: str, problems: list[str], shot: str) -> None:
    page.add_script_tag(path=str(AXE))
    for violation in page.evaluate(RUN_AXE):
        problems.append(f"{label} at {width}px: {violation}")
    wide = page.evaluate("document.documentElement.scrollWidth")
    if wide > width:
        problems.append(f"{label} at {width}px: the page is {wide}px wide")
    folder = SCREENSHOTS / "walk"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{shot}-{width}.png"), full_page=True)


# One test per role, so that parallel workers (make test runs pytest-xdist) share the walk.
@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_every_role_is_accessible_fits_and_offers_no_forbidden_link(
    demo_pages, browser, live_server, role
):
    problems: list[str] = []
    unknown = sorted(name for name, path in demo_pages.items() if path is None)
    # axe-core goes in as an inline script, which the site's Content-Security-Policy refuses.
    context = browser.new_context(
        viewport={"width": WIDTHS[0], "height": 900}, locale="en-GB", bypass_csp=True
    )
    page = context.new_page()
    _login(page, live_server.url, role)
    answer = _Statuses(page, live_server.url)
    known = [(name, path) for name, path in sorted(demo_pages.items()) if path is not None]
    problems += [f"{role} {p}: {answer(p)}" for _, p in known if answer(p) >= 500]
    pages = [(name, path) for name, path in known if answer(path) == 200]
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages:
            page.goto(f"{live_server.url}{path}")
            _check(page, width, f"{role} {name} {path}", problems, f"{role}-{_slug(path)}")
            if width == WIDTHS[0]:
                for href in set(page.evaluate(OFFERED_LINKS)):
                    if answer(href.split("#")[0]) == 403:
                        problems.append(f"{role} {path} offers {href}, which answers 403")
        if role == "ops":  # a form showing its errors
            page.goto(f"{live_server.url}{reverse('issues:breach_create')}")
            page.get_by_label("Description").fill("")
            page.get_by_role("button", name="Save").click()
            page.wait_for_load_state()
            _check(page, width, "ops breach form with errors", problems, "ops-form-errors")
    context.close()
    assert not unknown, f"pages the walk has no demo record for: {unknown}"
    assert pages, f"{role} was shown no page"
    assert not problems, "\n".join(problems)
