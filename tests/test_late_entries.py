"""Late entries (#13): a register record dated into a month already issued is accepted but
marked recorded after issue; the month's figures say what was issued beside what is current;
the committee's next pack lists the change; the issued version never changes."""

import hashlib
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO, StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from pypdf import PdfReader
from rest_framework.test import APIClient

from core.models import Committee
from issues import services as issue_services
from issues.models import Breach, Issue, Severity
from kvis import cycle, packs, snapshots
from kvis.models import Pack, PackKind, PackStatus
from surveys import services as survey_services
from surveys.models import Survey

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
NOV, DEC, JAN = date(2020, 11, 1), date(2020, 12, 1), date(2021, 1, 1)


def _build(committee: Committee, month: date, by, force_reason: str = "") -> Pack:
    draft = packs.pack_request(
        committee=committee,
        month=month,
        by=by,
        force_reason=force_reason,
        enqueue=lambda **kw: None,
    )
    return packs.pack_build(pack_id=draft.pk)


def _issue(draft: Pack, by) -> Pack:
    """Issue `draft` and run its build and distribution in process."""
    issued = cycle.pack_issue(draft=draft, by=by, enqueue=lambda **kw: None)
    issued = packs.pack_build(pack_id=issued.pk)
    packs.pack_distribute(pack=issued)
    return issued


@pytest.fixture(scope="module")
def issued_nov(django_db_setup, django_db_blocker):
    """The demo data with November 2020 issued to CoMC (v1), once for the module; each test
    runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        admin = get_user_model().objects.get(username="admin")
        comc = Committee.objects.get(code="CoMC")
        issued = _issue(_build(comc, NOV, admin), admin)
        assert issued.status == PackStatus.READY, issued.error
        yield issued
        transaction.set_rollback(True)


@pytest.fixture
def issued(issued_nov, db):
    issued_nov.refresh_from_db()
    return issued_nov


@pytest.fixture
def ops(issued):
    return get_user_model().objects.get(username="ops")


@pytest.fixture
def admin(issued):
    return get_user_model().objects.get(username="admin")


@pytest.fixture
def api(admin):
    client = APIClient()
    client.force_authenticate(admin)
    return client


def _late_breach(owner, day: int = 20) -> Breach:
    return issue_services.breach_create(
        severity=Severity.LOW,
        identified_at=datetime(2020, 11, day, 10, 0, tzinfo=LONDON),
        description="Statement e-mailed to the wrong contact, found late",
        owner=owner,
    )


def _text(pack: Pack) -> str:
    with pack.file.open("rb") as f:
        reader = PdfReader(BytesIO(f.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_a_breach_dated_into_an_issued_month_is_accepted_and_marked_with_its_pack(issued, ops):
    breach = _late_breach(ops)
    breach.refresh_from_db()
    assert breach.recorded_after_issue == issued and breach.recorded_after_issue_at is not None


def test_a_record_of_a_month_not_issued_is_not_marked(issued, ops):
    december = issue_services.breach_create(
        severity=Severity.LOW,
        identified_at=datetime(2020, 12, 3, 10, 0, tzinfo=LONDON),
        description="A December breach",
        owner=ops,
    )
    assert december.recorded_after_issue is None


def test_breaches_monthly_answers_as_issued_beside_current_and_the_late_entries(api, issued, ops):
    before = api.get("/api/breaches/monthly/?month=2020-11").json()
    assert before["as_issued"]["pack"] == issued.pk and before["late_entries"] == []
    assert before["as_issued"]["counts"] == before["counts"]
    breach = _late_breach(ops)
    body = api.get("/api/breaches/monthly/?month=2020-11").json()
    assert body["counts"]["low"] == before["counts"]["low"] + 1
    assert body["as_issued"]["counts"] == before["counts"]  # as printed, from the snapshot
    assert body["late_entries"] == [breach.reference]


def test_the_monthly_figures_of_a_month_not_issued_have_no_as_issued(api, issued):
    for register in ("issues", "breaches", "communications"):
        body = api.get(f"/api/{register}/monthly/?month=2020-10").json()
        assert body["as_issued"] is None and body["late_entries"] == [], register


def test_finding_2_an_issue_backdated_into_november_shows_beside_the_issued_register(
    api, issued, ops
):
    """Finding 2: the November register turned Red (10 of 11 scored) while the issued pack
    still said Green (10 of 10), and nothing showed the difference."""
    late = issue_services.issue_create(
        title="AQ recalculation missed for a batch",
        description="Found in December",
        category="aq_defect",
        identified_by="customer",
        identified_at=datetime(2020, 11, 25, 9, 0, tzinfo=LONDON),
        owner=ops,
    )
    body = api.get("/api/issues/monthly/?month=2020-11").json()
    assert body["new_count"] == body["as_issued"]["new_count"] + 1
    assert body["unscored"] == body["as_issued"]["unscored"] + 1
    assert body["as_issued"]["pack"] == issued.pk
    assert body["late_entries"] == [late.reference]
    assert Issue.objects.get(pk=late.pk).recorded_after_issue == issued


def test_correcting_a_record_printed_in_the_issued_pack_marks_it(api, issued, ops):
    breach = Breach.objects.filter(identified_at__month=11, identified_at__year=2020).first()
    assert breach.recorded_after_issue is None
    issue_services.breach_update(breach=breach, version=breach.version, root_cause="Found later")
    breach.refresh_from_db()
    assert breach.recorded_after_issue == issued
    assert api.get("/api/breaches/monthly/?month=2020-11").json()["late_entries"] == [
        breach.reference
    ]


def test_a_late_communication_is_listed(api, issued, ops):
    comm = issue_services.communication_create(
        kind="ad_hoc",
        sent_at=datetime(2020, 11, 27, 16, 0, tzinfo=LONDON),
        subject="Late notice of the AQ batch",
        quality_score=Decimal("6.0"),
        score_reason="Assessed by hand: the notice reached half the list",
        owner=ops,
    )
    body = api.get("/api/communications/monthly/?month=2020-11").json()
    assert body["count"] == body["as_issued"]["count"] + 1
    assert body["late_entries"] == [comm.reference]


def test_a_survey_round_held_in_an_issued_month_is_marked(issued, admin):
    survey = Survey.objects.first()
    category = survey.categories.first()
    held = date(2020, 11, 28)
    round = survey_services.round_create(
        survey=survey,
        label="Late Nov 2020",
        held_on=held,
        respondents=3,
        scores={c: Decimal("90") for c in survey.categories.all()} | {category: Decimal("91")},
        user=admin,
    )
    assert round.recorded_after_issue == issued


def test_the_months_page_shows_as_issued_beside_current_and_the_late_entries(client, issued, ops):
    breach = _late_breach(ops)
    client.force_login(ops)
    page = client.get("/issues/?month=2020-11").content.decode()
    assert "November 2020 as issued and now" in page
    assert f"As issued in {issued}" in page
    assert breach.reference in page and "recorded after issue" in page


def test_the_next_pack_lists_changes_to_months_already_reported_once(issued, ops, admin):
    breach = _late_breach(ops)
    comc = issued.committee
    december = _build(comc, DEC, admin, force_reason="December updates are still in review")
    assert december.status == PackStatus.READY, december.error
    text = _text(december)
    assert "Changes to months already reported" in text and breach.reference in text
    assert [e["reference"] for e in december.snapshot["figures"]["changes_to_reported"]] == [
        breach.reference
    ]
    # Once December is issued with it, January does not repeat it.
    _issue(december, admin)
    january = packs.pack_context(Pack(committee=comc, month=JAN, kind=PackKind.DRAFT))
    assert january["changes_to_reported"] == []


def test_an_issued_version_rebuilds_byte_identically_after_a_late_entry(issued, ops):
    """Issue, add a late entry, rebuild the issued version from its snapshot: same bytes."""
    assert issued.snapshot_sha256 == snapshots.snapshot_sha256(issued.snapshot)
    _late_breach(ops)
    # Rendered afresh from live data the pack would differ (the register changed)...
    assert hashlib.sha256(packs.render_pdf(issued)[0]).hexdigest() != issued.sha256
    # ...but from its snapshot it is the version that was issued, byte for byte.
    issued.refresh_from_db()
    assert snapshots.snapshot_sha256(issued.snapshot) == issued.snapshot_sha256
    rebuilt = snapshots.rebuild_from_snapshot(issued.snapshot)
    assert hashlib.sha256(rebuilt).hexdigest() == issued.sha256


def test_reissuing_the_month_after_a_late_entry_makes_a_version_that_lists_it(issued, ops, admin):
    breach = _late_breach(ops)
    v2 = _issue(_build(issued.committee, NOV, admin), admin)
    assert v2.version == 2 and v2.status == PackStatus.READY, v2.error
    assert [c for c in v2.changes if breach.reference in c] == [
        f"Breach {breach.reference} added after issue"
        f" ({breach.recorded_after_issue_at:%Y-%m-%dT%H:%M:%S})"
    ]
    issued.refresh_from_db()
    assert issued.superseded_by == v2
    # Nothing new since v2: issuing another draft answers v2 and makes nothing.
    assert _issue(_build(issued.committee, NOV, admin), admin) == v2
