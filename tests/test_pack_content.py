"""The demo packs read as a committee reads them: the executive summary first with a row per
KVI and the totals, register lists naming the demo's issues, breaches and communications, each
heading once, a tagged PDF with its metadata, and a forced pack that marks what is unapproved."""

import csv
import io
import subprocess
from collections import Counter
from datetime import date
from io import BytesIO
from unittest import mock

import pytest
from django.db.models import Q
from pypdf import PdfReader

from core.calendar import add_months, first_of_month, localdate
from core.models import Committee
from issues import pack as pack_lists
from issues.models import Breach, Communication, Issue, month_bounds
from issues.selectors import issue_month
from kvis import cycle, packs
from kvis.models import KVIUpdate, Pack
from kvis.pack_content import register_sections

pytestmark = pytest.mark.django_db
NOV, DEC = date(2020, 11, 1), date(2020, 12, 1)
CODES = [f"KVI-{n:02d}" for n in range(1, 11)]


def _build(code: str, month: date, force_reason: str = "") -> Pack:
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username="admin")
    pack = packs.pack_request(
        committee=Committee.objects.get(code=code),
        month=month,
        by=admin,
        force_reason=force_reason,
        enqueue=lambda **kw: None,
    )
    draft = packs.pack_build(pack_id=pack.pk)
    # The members read the issued version (the draft's pages carry a DRAFT watermark).
    issued = cycle.pack_issue(draft=draft, by=admin, enqueue=lambda *a, **kw: None)
    return packs.pack_build(pack_id=issued.pk)


@pytest.fixture(scope="module")
def built(demo_data, django_db_blocker):
    """The November CoMC and PAC packs and a forced December CoMC pack whose lists are cut
    to one row, so that it carries an appendix."""
    with django_db_blocker.unblock():
        comc, pac = _build("CoMC", NOV), _build("PAC", NOV)
        with mock.patch.dict("issues.pack.LIST_ROWS", dict.fromkeys(pack_lists.LIST_ROWS, 1)):
            forced = _build("CoMC", DEC, force_reason="Meeting brought forward")
        return {"comc": comc, "pac": pac, "forced": forced}


def _reader(pack: Pack) -> PdfReader:
    with pack.file.open("rb") as f:
        return PdfReader(BytesIO(f.read()))


def _pages(pack: Pack) -> list[str]:
    """Each page's text as pdftotext reads it, with runs of white space (line ends inside
    table cells included) read as one space."""
    text = subprocess.run(
        ["pdftotext", pack.file.path, "-"], capture_output=True, text=True, check=True
    ).stdout
    return [" ".join(page.split()) for page in text.split("\f")]


def test_the_executive_summary_comes_first_with_a_row_per_kvi_and_the_totals(built):
    summary = _reader(built["comc"]).pages[1].extract_text()
    assert summary.startswith("Executive summary · November 2020")
    assert "R 0 Red" in summary and "A 2 Amber" in summary and "G 8 Green" in summary
    positions = {code: summary.index(code) for code in CODES}
    # Exceptions first: the two Amber KVIs, then the one whose RAG changed (KVI-05 was Amber).
    first = sorted(positions, key=positions.get)[:3]
    assert first == ["KVI-01", "KVI-07", "KVI-05"]
    assert "96\u00a0% (target 100\u00a0%)" in summary and "\u22124\u00a0points" in summary
    assert "Red → Amber" in summary and "Olivia Ops" in summary
    assert "16 Dec 2020: Final Q2 financial forecast position" in summary
    links = [
        a
        for a in (o.get_object() for o in _reader(built["comc"]).pages[1].get("/Annots", []))
        if a.get("/Subtype") == "/Link"
    ]
    assert len(links) >= len(CODES)  # each row links to its KVI page


def test_kvi_pages_give_one_figures_table_and_the_register_reference(built):
    pages = _pages(built["comc"])
    kvi03 = next(p for p in pages if p.startswith("KVI-03 Effective communication"))
    assert "Figures against target" not in kvi03  # one figures table, not two
    assert "see its section p." in kvi03 and "from the register" not in kvi03
    kvi05 = next(p for p in pages if p.startswith("KVI-05 Continuous improvement"))
    assert "1.00" not in kvi05 and "3.00" not in kvi05  # counts print as integers
    assert "7 in total" in kvi05


def test_register_sections_list_the_demos_issues_breaches_and_communications(built):
    text = "\n".join(_pages(built["comc"]))
    for reference in ["ISS-2020-0011", "ISS-2020-0012", "BRE-2020-0003", "BRE-2020-0005"]:
        assert reference in text, reference
    for reference in ["COM-2020-0011", "COM-2020-0012", "COM-2020-0013"]:
        assert reference in text, reference
    assert "Customer contact details shown to another user" in text  # a breach's description
    assert "Meter read rejections for IGT supply points" in text and "Olivia Ops" in text
    assert "Open issues on the matrix" in text and "9.7/10" in text


def test_no_heading_or_bookmark_is_repeated(built):
    for pack in (built["comc"], built["pac"]):
        titles = [o.title for o in _reader(pack).outline]
        assert len(titles) == len(set(titles)), Counter(titles).most_common(2)
    text = "\n".join(_pages(built["comc"]))
    assert text.count("Issue register · November 2020") == 1
    assert "Issue register – November 2020" not in text


def test_the_pdf_is_tagged_with_its_metadata(built):
    info = subprocess.run(
        ["pdfinfo", built["comc"].file.path], capture_output=True, text=True, check=True
    ).stdout
    assert "Tagged:          yes" in info
    reader = _reader(built["comc"])
    meta = reader.metadata
    assert meta.title == "Contract Management Committee pack, November 2020, version 1"
    assert "Contract Management Committee" in meta.author
    assert "Monthly RAG pack" in meta.subject
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert [o.title for o in reader.outline][1] == "Executive summary · November 2020"


def test_the_pac_pack_carries_its_own_sections_not_comcs_registers(built):
    text = "\n".join(_pages(built["pac"]))
    assert "Parties on improvement plans" in text
    assert "Issue register" not in text and "Data breaches" not in text
    assert "Review of parties on Performance Improvement Plans" in text
    # As of the month: the demo's plans were mandated in 2022 and this year, so at the end of
    # November 2020 no party was on one.
    assert "No party was on an open improvement plan at the end of" in text
    assert "Southern Energy Shipping plc" not in text


def test_a_pac_pack_of_last_month_shows_the_parties_on_plans_then(built):
    last_month = add_months(first_of_month(localdate()), -1)
    text = "\n".join(_pages(_build("PAC", last_month, force_reason="Plans review")))
    assert "Southern Energy Shipping plc" in text and "Mandated: 18 Jan 2022" in text
    assert "No party was on an open improvement plan at the end of" not in text


def test_a_forced_pack_prints_unapproved_text_marked_on_its_page_and_in_every_footer(built):
    forced = built["forced"]
    unapproved = KVIUpdate.objects.current().get(kvi__code="KVI-01", month=DEC)
    pages = _pages(forced)
    page = next(p for p in pages if p.startswith("KVI-01 System availability"))
    assert "NOT APPROVED" in page and unapproved.last_update.split("\n")[0] in page
    assert all("Contains unapproved updates" in p for p in pages if p)
    assert "Meeting brought forward" in pages[0]


def test_a_list_longer_than_its_limit_prints_the_exceptions_and_attaches_every_row(built):
    reader = _reader(built["forced"])
    assert "issues-2020-12.csv" in reader.attachments
    csv_text = reader.attachments["issues-2020-12.csv"][0].decode()
    assert "ISS-2020-0011" in csv_text and "ISS-2020-0012" in csv_text
    text = "\n".join(_pages(built["forced"]))
    assert "This list prints 1 of 2 rows" in text


def _csv_rows(appendix: dict) -> list[list[str]]:
    """The data rows of an appendix's CSV as the pack attaches it (header left out)."""
    return list(csv.reader(io.StringIO(appendix["csv"])))[1:]


def test_each_list_over_its_cap_prints_at_most_the_cap_and_its_appendix_holds_every_row(
    demo_data,
):
    """The November demo's lists cut to one row (and the overdue actions of December to
    none): each prints at most that, says how many it leaves out, and attaches every row of
    the month, as many as the registers hold."""
    committee = Committee.objects.get(code="CoMC")
    start, end = month_bounds(NOV)
    caps = {**dict.fromkeys(pack_lists.LIST_ROWS, 1), "overdue": 0}
    with mock.patch.dict("issues.pack.LIST_ROWS", caps):
        appendices: list[dict] = []
        sections = {s["key"]: s["html"] for s in register_sections(committee, NOV, appendices)}
        december: list[dict] = []
        december_sections = register_sections(committee, DEC, december)
    by_name = {a["name"]: a for a in appendices}
    breaches = _csv_rows(by_name["breaches-2020-11.csv"])
    assert len(breaches) == Breach.objects.identified_in(NOV).count() == 3
    assert {r[0] for r in breaches} >= {"BRE-2020-0003", "BRE-2020-0005"}
    # None of the three missed a clock: the list says so rather than "no breaches".
    assert '<th scope="row">BRE-' not in sections["issues.breaches"]
    assert "This list prints 0 of 3 rows" in sections["issues.breaches"]
    assert "None of the month's 3 breaches missed a clock." in sections["issues.breaches"]
    assert "No breaches in the month." not in sections["issues.breaches"]
    communications = _csv_rows(by_name["communications-2020-11.csv"])
    assert len(communications) == Communication.objects.sent_in(NOV).count() == 3
    listed = (
        Issue.objects.filter(identified_at__lt=end)
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=end))
        .filter(Q(band__in=["Medium", "High"]) | Q(identified_at__gte=start))
    )
    issues_csv = _csv_rows(by_name["issues-2020-11.csv"])
    assert sorted(r[0] for r in issues_csv) == sorted(i.reference for i in listed)
    overdue = next(a for a in december if a["name"] == "overdue-actions-2020-12.csv")
    assert len(_csv_rows(overdue)) == issue_month(DEC)["overdue_count"] == 1
    register = next(s for s in december_sections if s["key"] == "issues.register_summary")
    assert "This list prints 0 of 1 rows (the longest overdue)" in register["html"]
    assert "overdue-actions-2020-12.csv" in register["html"]
