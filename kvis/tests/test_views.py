"""KVI pages: who may do what, the dashboard's cost, CSV import and export."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.roles import ADMIN, COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA
from kvis import services
from kvis.models import KVIUpdate, MeasureKind, MeasureResult, UpdateStatus
from kvis.services import ResultInput
from kvis.tests.factories import KVIFactory, MeasureFactory

pytestmark = pytest.mark.django_db
NOV = date(2020, 11, 1)


@pytest.fixture
def update(ops_user):
    m = MeasureFactory(kvi__code="KVI-07", target_value=Decimal(95))
    u = services.update_save(
        kvi=m.kvi,
        month=NOV,
        by=ops_user,
        last_update="x",
        drivers="",
        next_update="",
        results=[ResultInput(m.id, Decimal("90.91"))],
    )
    return services.update_submit(update=u, by=ops_user)


WRITE_URLS = [
    ("get", "/kvis/KVI-07/2020-11/edit/"),
    ("post", "/kvis/KVI-07/2020-11/edit/"),
    ("post", "/kvis/KVI-07/2020-11/preview/"),
    ("post", "/kvis/KVI-07/2020-11/submit/"),
    ("post", "/kvis/KVI-07/2020-11/approve/"),
    ("post", "/kvis/KVI-07/2020-11/return/"),
    ("post", "/kvis/KVI-07/2020-11/correct/"),
    ("get", "/kvis/approvals/"),
    ("get", "/kvis/import/"),
    ("post", "/kvis/import/"),
    ("post", "/kvis/periods/"),
    ("post", "/admin/kvis/kviupdate/1/change/"),
]
READ_URLS = [
    "/kvis/",
    "/kvis/catalogue/",
    "/kvis/updates/",
    "/kvis/KVI-07/",
    "/kvis/KVI-07/2020-11/",
    "/kvis/periods/",
]


@pytest.mark.parametrize(("method", "url"), WRITE_URLS)
def test_committee_member_gets_403_on_every_write_url(client_for, update, method, url):
    response = getattr(client_for(COMMITTEE_MEMBER), method)(url, {"version": update.version})
    assert response.status_code in (403, 302), url
    if response.status_code == 302:  # the admin sends non-staff users to its login page
        assert response["Location"].startswith("/admin/login/")
    update.refresh_from_db()
    assert update.status == UpdateStatus.SUBMITTED


@pytest.mark.parametrize("url", READ_URLS)
@pytest.mark.parametrize("role", [COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA, ADMIN])
def test_every_role_reads_the_kvi_pages(client_for, update, role, url):
    assert client_for(role).get(url).status_code == 200


@pytest.mark.parametrize("url", READ_URLS)
def test_a_user_without_a_role_reads_nothing(client_for, update, url):
    assert client_for("none").get(url).status_code == 403


def test_only_approvers_approve(client_for, update):
    client_for(CUSTOMER_OPS).post("/kvis/KVI-07/2020-11/approve/", {"version": update.version})
    update.refresh_from_db()
    assert update.status == UpdateStatus.SUBMITTED
    client_for(ADMIN).post("/kvis/KVI-07/2020-11/approve/", {"version": update.version})
    update.refresh_from_db()
    assert update.status == UpdateStatus.APPROVED


def test_the_form_refuses_an_override_without_justification(client_for, ops_user):
    m = MeasureFactory(kvi__code="KVI-05", kind=MeasureKind.PERCENTAGE, target_value=Decimal(95))
    response = client_for(CUSTOMER_OPS).post(
        "/kvis/KVI-05/2020-11/edit/",
        {f"actual_{m.id}": "80", "last_update": "words", "reported_rag": "green"},
    )
    assert response.status_code == 409
    assert b"write a justification for the override" in response.content
    assert not KVIUpdate.objects.exists()


def test_the_form_refuses_a_stale_version_with_409(client_for, ops_user):
    m = MeasureFactory(kvi__code="KVI-05", target_value=Decimal(95))
    c = client_for(CUSTOMER_OPS)
    data = {f"actual_{m.id}": "96", "last_update": "first"}
    assert c.post("/kvis/KVI-05/2020-11/edit/", data).status_code == 302
    version = KVIUpdate.objects.get().version
    c.post("/kvis/KVI-05/2020-11/edit/", {**data, "last_update": "second", "version": version})
    response = c.post(
        "/kvis/KVI-05/2020-11/edit/", {**data, "last_update": "third", "version": version}
    )
    assert response.status_code == 409
    assert b"Someone else changed this record" in response.content
    assert b"second" in response.content
    assert KVIUpdate.objects.get().last_update == "second"


@pytest.mark.parametrize("version", ["", None], ids=["blank", "left out"])
def test_the_form_without_a_version_never_overwrites_an_existing_update(
    client_for, pafa_user, version
):
    """Ops opened the form of a month with no update (version ""), PAFA created it meanwhile:
    ops' save is refused with both texts shown, and PAFA's text stays."""
    m = MeasureFactory(kvi__code="KVI-05", target_value=Decimal(95))
    services.update_save(
        kvi=m.kvi, month=NOV, by=pafa_user, last_update="PAFA's words", drivers="", next_update=""
    )
    data = {f"actual_{m.id}": "96", "last_update": "Ops' words"}
    if version is not None:
        data["version"] = version
    response = client_for(CUSTOMER_OPS).post("/kvis/KVI-05/2020-11/edit/", data)
    assert response.status_code == 409
    assert b"Someone else changed this record" in response.content
    assert response.context["conflict"]["last_update"] == "PAFA's words"
    assert b"PAFA&#x27;s words" in response.content and b"Ops&#x27; words" in response.content
    assert KVIUpdate.objects.get().last_update == "PAFA's words"


def test_returning_a_draft_to_draft_is_409_not_500(client_for, ops_user):
    m = MeasureFactory(kvi__code="KVI-05", target_value=Decimal(95))
    draft = services.update_save(
        kvi=m.kvi, month=NOV, by=ops_user, last_update="x", drivers="", next_update=""
    )
    response = client_for(CUSTOMER_OPS).post(
        "/kvis/KVI-05/2020-11/return/", {"version": draft.version}
    )
    assert response.status_code == 409
    assert b"Only a submitted or approved update can be returned to draft" in response.content
    draft.refresh_from_db()
    assert (draft.status, draft.version) == (UpdateStatus.DRAFT, 1)


def test_a_stale_workflow_button_is_409_with_the_current_values(client_for, update, admin_user_):
    seen = update.version
    services.update_return_to_draft(update=update, by=admin_user_)
    response = client_for(ADMIN).post("/kvis/KVI-07/2020-11/approve/", {"version": seen})
    assert response.status_code == 409
    assert response.context["conflict_current"]["status"] == "Draft"
    update.refresh_from_db()
    assert update.status == UpdateStatus.DRAFT


def test_a_locked_month_refuses_writes_through_the_ui_and_the_admin(
    client_for, update, admin_user_
):
    services.period_lock(month=NOV, by=admin_user_)
    ops = client_for(CUSTOMER_OPS)
    response = ops.get("/kvis/KVI-07/2020-11/edit/", follow=True)
    assert b"November 2020 is locked" in response.content
    response = client_for(ADMIN).post(
        "/kvis/KVI-07/2020-11/approve/", {"version": update.version}, follow=True
    )
    assert b"November 2020 is locked" in response.content
    admin_page = client_for(ADMIN).post(
        f"/admin/kvis/kviupdate/{update.pk}/change/", {"last_update": "changed"}
    )
    assert admin_page.status_code == 403
    update.refresh_from_db()
    assert update.status == UpdateStatus.SUBMITTED and update.last_update == "x"


def test_htmx_preview_shows_the_suggestion_without_saving(client_for):
    m = MeasureFactory(kvi__code="KVI-05", target_value=Decimal(95))
    response = client_for(PAFA).post("/kvis/KVI-05/2020-11/preview/", {f"actual_{m.id}": "91"})
    assert b"Amber" in response.content and b"4 points below the target of 95%" in response.content
    assert not MeasureResult.objects.exists()


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/kvis/").status_code == 200
    return len(ctx.captured_queries)


def _make_kvis(n: int, ops_user):
    for _ in range(n):
        m = MeasureFactory(target_value=Decimal(90))
        for month in (date(2020, 10, 1), NOV):
            services.update_save(
                kvi=m.kvi,
                month=month,
                by=ops_user,
                last_update="x",
                drivers="",
                next_update="",
                results=[ResultInput(m.id, Decimal(91))],
            )


def test_dashboard_queries_do_not_grow_with_kvis_or_months(client_for, ops_user):
    client = client_for(COMMITTEE_MEMBER)
    _make_kvis(5, ops_user)
    five = _dashboard_queries(client)
    _make_kvis(45, ops_user)
    fifty = _dashboard_queries(client)
    assert five == fifty
    assert client.get("/kvis/").content.count(b'<th scope="row"') == 50


def test_csv_import_dry_run_lists_every_error_and_imports_nothing(client_for):
    m = MeasureFactory(kvi__code="KVI-01", name="Availability", target_value=Decimal(95))
    csv = (
        "kvi,measure,month,actual\n"
        "KVI-01,Availability,2020-10,97\n"
        "KVI-99,Availability,2020-10,97\n"
        "KVI-01,Availability,2020-13,97\n"
        "KVI-01,Availability,2020-11,abc\n"
        "KVI-01,Availability,2020-10,98\n"
        "KVI-01,Availability,2020-09,120\n"
    )
    response = client_for(CUSTOMER_OPS).post(
        "/kvis/import/", {"kind": "results", "file": SimpleUploadedFile("r.csv", csv.encode())}
    )
    assert response.status_code == 400
    text = response.content.decode()
    for row, column in [(3, "kvi"), (4, "month"), (5, "actual"), (6, "month"), (7, "actual")]:
        assert f"<td>{row}</td><td>{column}</td>" in text, (row, column)
    assert not MeasureResult.objects.filter(measure=m).exists()


def test_csv_import_of_valid_rows_previews_then_imports(client_for):
    m = MeasureFactory(kvi__code="KVI-01", name="Availability", target_value=Decimal(95))
    csv = (
        "kvi,measure,month,actual\nKVI-01,Availability,2020-10,97\nKVI-01,Availability,2020-11,93\n"
    )
    c = client_for(CUSTOMER_OPS)
    preview = c.post(
        "/kvis/import/", {"kind": "results", "file": SimpleUploadedFile("r.csv", csv.encode())}
    )
    assert preview.status_code == 200 and b"Nothing has been imported yet" in preview.content
    assert not MeasureResult.objects.exists()
    c.post("/kvis/import/", {"confirm": "1", "kind": "results", "csv_text": csv})
    assert list(
        MeasureResult.objects.filter(measure=m).order_by("month").values_list("actual", "source")
    ) == [(Decimal(97), "imported"), (Decimal(93), "imported")]


def test_csv_import_missing_column_is_named(client_for):
    response = client_for(CUSTOMER_OPS).post(
        "/kvis/import/",
        {"kind": "results", "file": SimpleUploadedFile("r.csv", b"kvi,measure,actual\nA,B,1\n")},
    )
    # The one import path's message (it was "required column is missing from the header").
    assert b"<td>1</td><td>month</td><td>Missing column: the file has no &#x27;month&#x27;" in (
        response.content
    )


def test_measures_import_needs_admin_and_checks_targets(client_for):
    KVIFactory(code="KVI-01")
    csv = (
        b"kvi,name,kind,target\nKVI-01,Uptime,percentage,120\nKVI-01,Go live,milestone,2021-01-02\n"
    )
    assert (
        client_for(CUSTOMER_OPS)
        .post("/kvis/import/", {"kind": "measures", "file": SimpleUploadedFile("m.csv", csv)})
        .status_code
        == 403
    )
    response = client_for(ADMIN).post(
        "/kvis/import/", {"kind": "measures", "file": SimpleUploadedFile("m.csv", csv)}
    )
    assert (
        b"<td>2</td><td>target</td><td>A percentage target must be between 0 and 100."
        in response.content
    )


def test_update_list_exports_csv_and_xlsx(client_for, update):
    c = client_for(COMMITTEE_MEMBER)
    csv = c.get("/kvis/updates/?_export=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert "KVI-07" in csv.content.decode() and "Amber" in csv.content.decode()
    xlsx = c.get("/kvis/updates/?_export=xlsx")
    assert xlsx.content[:2] == b"PK"
