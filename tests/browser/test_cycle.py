"""The reporting cycle in the browser: an approver previews the November 2020 CoMC pack (DRAFT
on its pages), issues it through the confirmation, the committee member gets one e-mail, and
the month is locked for CoMC's KVIs only; then a breach dated into November is a late entry
on the month's page and in the December pack's "Changes to months already reported"."""

from io import BytesIO

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser import test_kvis
from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
demo = test_kvis.demo  # the demo data, loaded as the other KVI browser tests load it
_login = test_kvis._login


def _pdf_text(page, live_server, href) -> str:
    from pypdf import PdfReader

    body = page.request.get(f"{live_server.url}{href}").body()
    return "\n".join(p.extract_text() for p in PdfReader(BytesIO(body)).pages)


def test_approver_previews_then_issues_the_november_comc_pack(demo, page, live_server, screenshot):
    from core.models import Committee
    from kvis.models import KVILock, Pack
    from kvis.tests.factories import KVIFactory

    other = KVIFactory(code="PAC-X", committees=[Committee.objects.get(code="PAC")])
    _login(page, live_server, "admin")
    page.goto(f"{live_server.url}/kvis/packs/")
    page.get_by_label("Committee").select_option(label="CoMC")
    page.get_by_label("Month").fill("2020-11")
    page.get_by_role("button", name="Preview pack").click()
    row = page.locator("tr", has_text="November 2020").first
    expect(row.get_by_test_id("pack-status")).to_have_text("Ready", timeout=90_000)
    expect(row).to_contain_text("Draft 1")
    expect(page.get_by_test_id("cycles")).to_contain_text("CoMC Nov 2020: Draft pack ready")
    screenshot("cycle-draft-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("cycle-draft-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    draft_text = _pdf_text(
        page, live_server, row.get_by_role("link", name="PDF").get_attribute("href")
    )
    assert draft_text.count("DRAFT") >= Pack.objects.get(kind="draft").page_count
    assert mail.outbox == []

    row.get_by_role("link", name="Issue…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Issue the CoMC pack")
    expect(page.get_by_test_id("locking")).to_contain_text("KVI-01")
    expect(page.get_by_test_id("recipients")).to_contain_text("@")
    screenshot("cycle-confirm-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("cycle-confirm-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("button", name="Issue and e-mail the members").click()
    issued_row = page.locator("tr", has_text="Issued v1").first
    expect(issued_row.get_by_test_id("pack-status")).to_have_text("Ready", timeout=90_000)
    expect(page.get_by_test_id("cycles")).to_contain_text("CoMC Nov 2020: Issued")
    screenshot("cycle-issued-1366")
    issued_text = _pdf_text(
        page, live_server, issued_row.get_by_role("link", name="PDF").get_attribute("href")
    )
    assert "DRAFT" not in issued_text

    members = Committee.objects.get(code="CoMC").members.exclude(email="")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in members)
    assert KVILock.objects.filter(kvi__code="KVI-01").exists()
    assert not KVILock.objects.filter(kvi=other).exists()
    page.goto(f"{live_server.url}/kvis/KVI-01/2020-11/")
    expect(page.get_by_role("status")).to_contain_text("November 2020 is locked for KVI-01")
    screenshot("cycle-kvi-locked-1366")

    # A breach found late is still a breach: ops log one dated into November, already issued.
    page.context.clear_cookies()
    _login(page, live_server, "ops")
    page.goto(f"{live_server.url}/issues/breaches/new/")
    page.get_by_label("Severity").select_option("low")
    page.get_by_label("Identified at").fill("2020-11-24T10:30")
    page.get_by_label("Description").fill("Invoice copy sent to the wrong contact, found in audit")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Low breach")).to_be_visible()
    from issues.models import Breach

    breach = Breach.objects.get(description__startswith="Invoice copy")
    assert breach.recorded_after_issue == Pack.objects.get(kind="issued")
    page.goto(f"{live_server.url}/issues/?month=2020-11")
    late = page.locator("#as-issued-breaches")
    expect(late).to_contain_text(breach.reference)
    expect(late).to_contain_text("recorded after issue")
    expect(late).to_contain_text("As issued in CoMC November 2020 v1")
    late.scroll_into_view_if_needed()
    screenshot("cycle-late-entry-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("cycle-late-entry-390")
    page.set_viewport_size({"width": 1366, "height": 900})

    # The approver previews December: its pack reports the change to November.
    page.context.clear_cookies()
    _login(page, live_server, "admin")
    page.goto(f"{live_server.url}/kvis/packs/")
    page.get_by_label("Committee").select_option(label="CoMC")
    page.get_by_label("Month").fill("2020-12")
    page.get_by_label("Force with reason (approvers only)").fill("December updates in review")
    page.get_by_role("button", name="Preview pack").click()
    december = page.locator("tr", has_text="December 2020").first
    expect(december.get_by_test_id("pack-status")).to_have_text("Ready", timeout=90_000)
    href = december.get_by_role("link", name="PDF").get_attribute("href")
    december_text = _pdf_text(page, live_server, href)
    assert "Changes to months already reported" in december_text
    assert breach.reference in december_text
    pdf = page.request.get(f"{live_server.url}{href}").body()
    (SCREENSHOTS / "cycle-december-draft.pdf").write_bytes(pdf)
