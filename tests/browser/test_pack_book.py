"""The pack on screen: the November CoMC briefing book in Chromium at desk and phone widths,
checked with axe-core (vendored from npm in tests/browser/vendor/)."""

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


@pytest.fixture
def november_pack(transactional_db):
    from django.contrib.auth import get_user_model

    from core.models import Committee
    from kvis import packs

    call_command("load_demo", stdout=StringIO())
    admin = get_user_model().objects.get(username="admin")
    comc = Committee.objects.get(code="CoMC")
    pack = packs.pack_request(
        committee=comc, month=date(2020, 11, 1), by=admin, enqueue=lambda **kw: None
    )
    return packs.pack_build(pack_id=pack.pk)


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("kvi-demo-2020")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe-core is injected by the test, not served by the portal: the portal's CSP (script-src
    # 'self') rightly refuses an inline script, so this context lets the test's own through.
    return {**browser_context_args, "bypass_csp": True}


def test_the_briefing_book_reads_like_the_pack_and_passes_axe(
    november_pack, page, live_server, screenshot
):
    _login(page, live_server, "admin")
    page.goto(f"{live_server.url}/kvis/packs/")
    page.get_by_role("link", name="On screen").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contract Management Committee")
    expect(page.get_by_role("heading", name="Executive summary · November 2020")).to_be_visible()
    headings = page.get_by_role("heading", level=2).all_inner_texts()
    assert headings[:3] == [
        "Contents",
        "Executive summary · November 2020",
        "KVI-01 System availability / performance",
    ]
    assert "Issue register · November 2020" in headings and headings[-1] == "Forward plan"
    assert len(headings) == len(set(headings))
    page.get_by_role("link", name="KVI-07 Customer relationship management").first.click()
    assert page.url.endswith("#kvi-KVI-07")
    for width, name in ((1366, "pack-book-1366"), (390, "pack-book-390")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/kvis/packs/{november_pack.pk}/book/")
        screenshot(name)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document)")
        serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert not serious, [(v["id"], v["nodes"][0]["html"][:120]) for v in serious]


def test_the_briefing_book_is_access_checked_like_the_pdf(november_pack, page, live_server):
    _login(page, live_server, "pafa")  # PAFA does not see CoMC's packs
    response = page.request.get(f"{live_server.url}/kvis/packs/{november_pack.pk}/book/")
    assert response.status == 404
