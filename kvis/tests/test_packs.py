"""The committee pack: readiness, content, one file per version, distribution, access."""

import hashlib
from datetime import date
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from pypdf import PdfReader

from core.calendar import bank_holidays, nth_business_day
from core.models import Committee
from core.roles import ADMIN, COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA
from kvis import cycle, packs, services
from kvis.models import (
    KVILock,
    KVIUpdate,
    MeasureResult,
    Pack,
    PackStatus,
    ReportingCycle,
    UpdateStatus,
)
from kvis.services import ApplicationError

pytestmark = pytest.mark.django_db
NOV = date(2020, 11, 1)


@pytest.fixture
def demo(demo_data, db):
    return Committee.objects.get(code="CoMC")


def _text(pack: Pack) -> str:
    with pack.file.open("rb") as f:
        reader = PdfReader(BytesIO(f.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture(scope="module")
def built_pack(demo_data, django_db_blocker):
    """The November 2020 CoMC pack, built once for the module (not yet distributed)."""
    from django.contrib.auth import get_user_model

    with django_db_blocker.unblock():
        admin = get_user_model().objects.get(username="admin")
        comc = Committee.objects.get(code="CoMC")
        pack = packs.pack_request(committee=comc, month=NOV, by=admin, enqueue=lambda **kw: None)
        return packs.pack_build(pack_id=pack.pk)


@pytest.fixture
def built(built_pack, db):
    built_pack.refresh_from_db()
    return built_pack


def test_the_november_2020_comc_pack_prints_every_kvi_and_the_seed_figures(built):
    assert built.status == PackStatus.READY, built.error
    text = _text(built)
    for code in [f"KVI-{n:02d}" for n in range(1, 11)]:
        assert code in text, code
    for figure in [
        "90.91\u00a0%",  # one number style: a non-breaking space before every per cent sign
        "9.7/10",
        "There were 3 low breaches only",
        "year to date score also of 98\u00a0%",
    ]:
        assert figure in text, figure
    assert f"Page {built.page_count} of {built.page_count}" in text
    assert "November 2020" in text and "Forward plan" in text
    assert built.page_count >= 13 and built.size > 10_000 and len(built.sha256) == 64


def test_contents_give_the_page_each_entry_starts_on(built):
    import re

    reader = PdfReader(built.file.path)
    contents = reader.pages[0].extract_text()  # the contents are on the cover
    entries = re.findall(r"^(KVI-\d\d [^.\n]+?) \.+ (\d+)$", contents, flags=re.MULTILINE)
    assert len(entries) == 10
    for title, page in entries:
        text = reader.pages[int(page) - 1].extract_text()
        assert text.removeprefix("DRAFT").lstrip().startswith(title), title  # a draft's watermark


def test_readiness_lists_unapproved_kvis_and_refuses(demo, django_user_model):
    admin = django_user_model.objects.get(username="admin")
    with pytest.raises(ApplicationError) as exc:
        packs.pack_request(committee=demo, month=date(2020, 12, 1), by=admin)
    assert "KVI-01, KVI-02, KVI-03, KVI-04" in exc.value.message
    assert not Pack.objects.filter(month=date(2020, 12, 1)).exists()


def test_forcing_needs_an_approver_and_the_reason_is_printed(
    demo, django_user_model, django_capture_on_commit_callbacks
):
    ops = django_user_model.objects.get(username="ops")
    admin = django_user_model.objects.get(username="admin")
    with pytest.raises(ApplicationError, match="Only an approver"):
        packs.pack_request(committee=demo, month=date(2020, 12, 1), by=ops, force_reason="CoMC")
    with django_capture_on_commit_callbacks(execute=True):
        pack = packs.pack_request(
            committee=demo,
            month=date(2020, 12, 1),
            by=admin,
            force_reason="Meeting brought forward",
        )
    pack.refresh_from_db()
    text = _text(pack)
    assert "Meeting brought forward" in text and "Built before every KVI was approved" in text


def test_building_twice_makes_one_file_and_the_same_bytes(built):
    again = packs.pack_build(pack_id=built.pk)
    assert again.sha256 == built.sha256
    folder = Path(built.file.path).parent
    v1_files = lambda: sorted(p.name for p in folder.iterdir() if p.name.startswith("draft-1"))  # noqa: E731
    assert v1_files() == ["draft-1.pdf"]
    # An interrupted build (status left at "building") is completed by the retry, same name.
    Pack.objects.filter(pk=built.pk).update(status=PackStatus.BUILDING)
    retried = packs.pack_build(pack_id=built.pk)
    assert retried.status == PackStatus.READY and retried.sha256 == built.sha256
    assert v1_files() == ["draft-1.pdf"]


def test_a_rebuild_from_the_same_inputs_is_byte_identical(built):
    pdf, pages = packs.render_pdf(built)
    import hashlib

    assert hashlib.sha256(pdf).hexdigest() == built.sha256 and pages == built.page_count


def _issue(draft: Pack, by, capture) -> Pack:
    """Issue `draft` as `by`, running the build (and its e-mails) the commit enqueues."""
    with capture(execute=True):
        issued = cycle.pack_issue(draft=draft, by=by)
    issued.refresh_from_db()
    return issued


def test_a_draft_is_emailed_to_nobody_and_locks_nothing(built):
    assert packs.pack_distribute(pack=built) == 0
    assert mail.outbox == [] and not KVILock.objects.exists()
    assert "DRAFT" in _text(built)


def test_issuing_locks_the_month_and_emails_each_member_once(
    built, django_user_model, django_capture_on_commit_callbacks
):
    admin = django_user_model.objects.get(username="admin")
    issued = _issue(built, admin, django_capture_on_commit_callbacks)
    assert (issued.kind, issued.version, issued.status) == ("issued", 1, PackStatus.READY)
    members = {u.email for u in built.committee.members.all()}
    assert {m.to[0] for m in mail.outbox} == members and len(mail.outbox) == len(members)
    assert all(m.attachments[0][2] == "application/pdf" for m in mail.outbox)
    assert issued.deliveries.filter(sent_at__isnull=False).count() == len(members)
    assert packs.pack_distribute(pack=issued) == 0
    assert "DRAFT" not in _text(issued)
    with pytest.raises(ApplicationError, match="November 2020 is locked"):
        update = KVIUpdate.objects.current().get(kvi__code="KVI-01", month=NOV)
        services.update_return_to_draft(update=update, by=admin)


def test_issuing_the_same_inputs_again_makes_no_new_version_and_emails_nobody(
    built, django_user_model, django_capture_on_commit_callbacks
):
    """Finding 5: a second click made v2, identical to v1, and e-mailed everyone again."""
    admin = django_user_model.objects.get(username="admin")
    v1 = _issue(built, admin, django_capture_on_commit_callbacks)
    sent = len(mail.outbox)
    assert _issue(built, admin, django_capture_on_commit_callbacks) == v1
    assert len(mail.outbox) == sent
    assert Pack.objects.filter(committee=built.committee, month=NOV, kind="issued").count() == 1


def test_only_an_approver_issues_and_only_a_ready_draft(built, django_user_model):
    ops = django_user_model.objects.get(username="ops")
    with pytest.raises(ApplicationError, match="Only an approver"):
        cycle.pack_issue(draft=built, by=ops)
    admin = django_user_model.objects.get(username="admin")
    Pack.objects.filter(pk=built.pk).update(status=PackStatus.BUILDING)
    built.refresh_from_db()
    with pytest.raises(ApplicationError, match="only a ready draft"):
        cycle.pack_issue(draft=built, by=admin)


def test_a_correction_after_issue_goes_into_v2_and_v1_stays(
    built, django_user_model, django_capture_on_commit_callbacks
):
    admin = django_user_model.objects.get(username="admin")
    v1 = _issue(built, admin, django_capture_on_commit_callbacks)  # issuing locks the month
    ops = django_user_model.objects.get(username="ops")
    original = KVIUpdate.objects.current().get(kvi__code="KVI-06", month=NOV)
    correction = services.update_correct_after_issue(update=original, by=admin, reason="Typo")
    correction = services.update_save(
        kvi=correction.kvi,
        month=NOV,
        by=ops,
        last_update="Corrected narrative for KVI-06",
        drivers="",
        next_update="",
        version=correction.version,
    )
    services.update_approve(update=services.update_submit(update=correction, by=ops), by=admin)
    with pytest.raises(ApplicationError, match="preview the pack again"):
        cycle.pack_issue(draft=built, by=admin)
    with django_capture_on_commit_callbacks(execute=True):
        draft = packs.pack_request(committee=built.committee, month=NOV, by=admin)
    draft.refresh_from_db()
    v2 = _issue(draft, admin, django_capture_on_commit_callbacks)
    assert v2.version == 2 and "Corrected narrative for KVI-06" in _text(v2)
    assert v2.changes == ["KVI-06: approved update changed (revision 2)"]
    assert "KVI-06: approved update changed (revision 2)" in _text(v2)
    assert "Corrected narrative for KVI-06" not in _text(v1)
    v1.refresh_from_db()
    assert v1.superseded_by == v2
    assert KVIUpdate.objects.get(pk=original.pk).status == UpdateStatus.APPROVED
    assert ReportingCycle.objects.get(committee=built.committee, month=NOV).state == "corrected"


def test_a_failed_build_is_marked_with_its_error(
    demo, django_user_model, monkeypatch, django_capture_on_commit_callbacks
):
    def boom(pack, built_at):
        raise ValueError("font missing")

    monkeypatch.setattr(packs, "render_pack", boom)
    admin = django_user_model.objects.get(username="admin")
    with pytest.raises(ValueError), django_capture_on_commit_callbacks(execute=True):
        packs.pack_request(committee=demo, month=NOV, by=admin)
    pack = Pack.objects.get(committee=demo, month=NOV, version=2)  # v1 is the module's pack
    assert pack.status == PackStatus.FAILED and "font missing" in pack.error


@pytest.mark.parametrize(
    ("role", "status"), [(COMMITTEE_MEMBER, 200), (CUSTOMER_OPS, 200), (PAFA, 404), (ADMIN, 200)]
)
def test_the_pdf_is_served_only_to_those_who_see_the_committee(
    built, client_for, role_users, role, status
):
    built.committee.members.add(role_users[COMMITTEE_MEMBER], role_users[CUSTOMER_OPS])
    response = client_for(role).get(f"/kvis/packs/{built.pk}/pdf/")
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content)[:5] == b"%PDF-"


def test_the_build_button_is_for_approvers(demo, client_for, django_capture_on_commit_callbacks):
    response = client_for(CUSTOMER_OPS).post(
        "/kvis/packs/", {"committee": demo.pk, "month": "2020-11"}
    )
    assert response.status_code == 403
    response = client_for(ADMIN).post("/kvis/packs/", {"committee": demo.pk, "month": "2020-12"})
    assert response.status_code == 409 and b"have no approved update yet" in response.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(ADMIN).post(
            "/kvis/packs/", {"committee": demo.pk, "month": "2020-11"}
        )
    assert response.status_code == 302
    assert Pack.objects.get(committee=demo, month=NOV, version=2).status == PackStatus.READY


@pytest.mark.parametrize(
    ("month", "fifth"),
    [
        (date(2020, 12, 1), date(2020, 12, 7)),
        (date(2021, 1, 1), date(2021, 1, 8)),  # New Year's Day
        (date(2020, 4, 1), date(2020, 4, 7)),
        (date(2021, 4, 1), date(2021, 4, 9)),  # Good Friday 2 Apr, Easter Monday 5 Apr
        (date(2022, 1, 1), date(2022, 1, 10)),  # New Year substitute day on Mon 3 Jan
    ],
)
def test_the_fifth_business_day(month, fifth):
    assert nth_business_day(month, 5, bank_holidays()) == fifth


def test_the_build_pack_command_prints_path_pages_and_seconds(demo):
    out = StringIO()
    call_command(
        "build_pack", "--committee", "CoMC", "--month", "2020-11", "--no-email", stdout=out
    )
    lines = out.getvalue().splitlines()
    assert lines[0].endswith("packs/CoMC/2020-11/draft-2.pdf") and Path(lines[0]).exists()
    assert lines[1].startswith("pages: ") and int(lines[1].split()[1]) >= 13
    assert lines[2].startswith("seconds: ")


def test_an_issued_pack_rebuilds_from_its_snapshot_byte_identically_after_a_late_entry(
    built, django_user_model, django_capture_on_commit_callbacks
):
    from kvis import snapshots

    admin = django_user_model.objects.get(username="admin")
    issued = _issue(built, admin, django_capture_on_commit_callbacks)
    assert issued.snapshot["built_at"] == issued.built_at.isoformat()
    assert issued.snapshot_sha256 == snapshots.snapshot_sha256(issued.snapshot)
    # Later writes, straight to the tables (as a late entry or a correction would change them).
    KVIUpdate.objects.filter(month=NOV).update(last_update="Rewritten after issue")
    MeasureResult.objects.filter(month=NOV).update(note="Changed after issue")
    assert hashlib.sha256(packs.render_pdf(issued)[0]).hexdigest() != issued.sha256
    issued.refresh_from_db()
    rebuilt = snapshots.rebuild_from_snapshot(issued.snapshot)
    assert hashlib.sha256(rebuilt).hexdigest() == issued.sha256
