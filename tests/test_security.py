"""Security sweep: every URL × every role against a table of expected statuses, CSRF on every
form and POST view, HTML escaping of user text in pages and in the pack PDF, upload checks,
and login throttling."""

from datetime import date
from io import BytesIO, StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from tests.urlwalk import all_urls

pytestmark = pytest.mark.django_db

#: Columns of the tables below. `party` is a user of a party organisation (no role);
#: `norole` a user with neither a role nor a party.
ROLES = ("committee", "ops", "pafa", "admin", "party", "norole", "anonymous")

#: URL name → status of a GET for each role, in ROLES order, on the demo data. 302 for
#: anonymous is the login redirect (401 on the API); 405 a POST-only view the role may use.
GET = {
    "home": "302 302 302 302 302 302 302",
    "no_role": "403 403 403 403 403 403 302",
    "healthz": "200 200 200 200 200 200 200",
    "login": "200 200 200 200 200 200 200",
    "logout": "405 405 405 405 405 405 302",
    # The account pages: every logged-in user has them; a forgotten password needs no login
    # (the reset link of the sweep is not a real one: the page says so).
    "password_change": "200 200 200 200 200 200 302",
    "password_change_done": "200 200 200 200 200 200 302",
    "password_reset": "200 200 200 200 200 200 200",
    "password_reset_done": "200 200 200 200 200 200 200",
    "password_reset_confirm": "200 200 200 200 200 200 200",
    "password_reset_complete": "200 200 200 200 200 200 200",
    "api_tokens": "200 200 200 200 200 200 302",
    "kvis:dashboard": "200 200 200 200 403 403 302",
    "kvis:list": "200 200 200 200 403 403 302",
    "kvis:updates": "200 200 200 200 403 403 302",
    "kvis:approvals": "403 403 403 200 403 403 302",
    "kvis:periods": "200 200 200 200 403 403 302",
    "kvis:import": "403 200 200 200 403 403 302",
    "kvis:packs": "200 200 200 200 403 403 302",
    # PAFA sits on no committee: a committee's packs are not found for them.
    "kvis:pack_status": "200 200 404 200 403 403 302",
    "kvis:pack_pdf": "200 200 404 200 403 403 302",
    # The confirmation before issuing a draft: approvers only.
    "kvis:pack_issue": "403 403 403 200 403 403 302",
    "kvis:pack_book": "200 200 404 200 403 403 302",
    "kvis:detail": "200 200 200 200 403 403 302",
    "kvis:update": "200 200 200 200 403 403 302",
    # The November update is approved: the edit page sends its owners back to it.
    "kvis:update_edit": "403 302 302 302 403 403 302",
    "kvis:update_preview": "403 405 405 405 403 403 302",
    "kvis:submit": "403 405 405 405 403 403 302",
    "kvis:approve": "403 403 403 405 403 403 302",
    "kvis:return": "403 405 405 405 403 403 302",
    "kvis:correct": "403 403 403 405 403 403 302",
    "issues:index": "200 200 200 200 403 403 302",
    "issues:matrix": "200 200 200 200 403 403 302",
    "issues:register": "200 200 200 200 403 403 302",
    # Committee members see the published register, not the working list.
    "issues:issue_list": "403 200 200 200 403 403 302",
    "issues:issue_create": "403 200 403 200 403 403 302",
    "issues:issue_detail": "200 200 200 200 403 403 302",
    "issues:issue_update": "403 200 403 200 403 403 302",
    "issues:issue_score": "403 200 403 200 403 403 302",
    "issues:issue_status": "403 200 403 200 403 403 302",
    "issues:task_create": "403 200 403 200 403 403 302",
    "issues:task_update": "403 200 403 200 403 403 302",
    "issues:action_done": "403 200 403 200 403 403 302",
    # One-click actions: POST only, for those who may record them.
    "issues:action_done_now": "403 405 403 405 403 403 302",
    "issues:breach_list": "200 200 200 200 403 403 302",
    "issues:breach_create": "403 200 403 200 403 403 302",
    "issues:breach_detail": "200 200 200 200 403 403 302",
    "issues:breach_update": "403 200 403 200 403 403 302",
    "issues:breach_record_notification": "403 405 403 405 403 403 302",
    "issues:breach_record_resolution": "403 405 403 405 403 403 302",
    "issues:communication_list": "200 200 200 200 403 403 302",
    "issues:communication_create": "403 200 403 200 403 403 302",
    "issues:communication_detail": "200 200 200 200 403 403 302",
    "issues:communication_update": "403 200 403 200 403 403 302",
    "surveys:index": "200 200 200 200 403 403 302",
    "surveys:chart": "200 200 200 200 403 403 302",
    "surveys:round_create": "403 200 403 200 403 403 302",
    "surveys:round_detail": "200 200 200 200 403 403 302",
    "surveys:round_update": "403 200 403 200 403 403 302",
    "surveys:round_import": "403 200 403 200 403 403 302",
    "surveys:feedback_list": "200 200 200 200 403 403 302",
    "surveys:feedback_create": "403 200 403 200 403 403 302",
    "surveys:feedback_update": "403 200 403 200 403 403 302",
    # The party user's own plan (NGS); another party's plan is in OTHER_PARTY below.
    "plans:index": "200 200 200 200 200 403 302",
    "plans:create": "403 403 200 200 403 403 302",
    "plans:raci": "200 200 200 200 403 403 302",
    "plans:detail": "200 200 200 200 200 403 302",
    "plans:edit": "403 403 200 200 403 403 302",
    "plans:transition": "403 403 405 405 403 403 302",
    "plans:close": "403 403 200 200 403 403 302",
    "plans:gap_add": "403 403 200 200 403 403 302",
    "plans:evidence_add": "403 403 200 200 403 403 302",
    "plans:action_add": "403 403 200 200 403 403 302",
    "plans:review_record": "403 403 200 200 403 403 302",
    "plans:chase_add": "403 403 200 200 403 403 302",
    "plans:escalation_add": "403 200 200 200 403 403 302",
    "plans:file": "200 200 200 200 200 403 302",
    "meetings:index": "200 200 200 200 403 403 302",
    # KVI owners' page: PAFA and Admin may write updates (they own none in the demo).
    "meetings:my_updates": "403 200 200 200 403 403 302",
    "meetings:my_update_preview": "403 405 405 405 403 403 302",
    "meetings:forward_plan": "200 200 200 200 403 403 302",
    # Everyone signed in has their own notifications list.
    "meetings:notifications": "200 200 200 200 200 200 302",
    "meetings:detail": "200 200 200 200 403 403 302",
    "meetings:decision_add": "403 403 403 200 403 403 302",
    "meetings:action_add": "403 403 403 200 403 403 302",
    "meetings:action_complete": "403 405 405 405 403 403 302",
    "api-token": "405 405 405 405 405 405 405",
    # Logging a token out takes the token, not the session.
    "api-logout": "401 401 401 401 401 401 401",
    "api-logout-all": "401 401 401 401 401 401 401",
    "api-schema": "200 200 200 200 200 200 200",
    "api-docs": "200 200 200 200 200 200 200",
    "kvi-list": "200 200 200 200 403 403 401",
    "kvi-detail": "200 200 200 200 403 403 401",
    "kvi-updates": "200 200 200 200 403 403 401",
    "issue-list": "200 200 200 200 403 403 401",
    "issue-import-csv": "405 405 405 405 403 403 401",
    "issue-monthly": "400 400 400 400 403 403 401",
    "issue-detail": "200 200 200 200 403 403 401",
    "breach-list": "200 200 200 200 403 403 401",
    "breach-import-csv": "405 405 405 405 403 403 401",
    # Without ?month= the monthly summaries say what is missing.
    "breach-monthly": "400 400 400 400 403 403 401",
    "breach-detail": "200 200 200 200 403 403 401",
    "communication-list": "200 200 200 200 403 403 401",
    "communication-monthly": "400 400 400 400 403 403 401",
    "communication-detail": "200 200 200 200 403 403 401",
    "plan-list": "200 200 200 200 200 403 401",
    "plan-detail": "200 200 200 200 200 403 401",
    "plan-transition": "405 405 405 405 405 403 401",
    "pack-list": "200 200 200 200 403 403 401",
    "pack-detail": "200 200 404 200 403 403 401",
    # POST only; a committee member's POST is refused (the read-only sweep below).
    "pack-issue": "405 405 405 405 403 403 401",
    "survey-round-list": "200 200 200 200 403 403 401",
    "survey-round-detail": "200 200 200 200 403 403 401",
    "meeting-list": "200 200 200 200 403 403 401",
    "meeting-detail": "200 200 200 200 403 403 401",
    "action-list": "200 200 200 200 403 403 401",
    "action-detail": "200 200 200 200 403 403 401",
    "forward-plan-item-list": "200 200 200 200 403 403 401",
    "forward-plan-item-detail": "200 200 200 200 403 403 401",
    "api-not-found": "404 404 404 404 404 404 401",
}

#: The same pages for another party's plan (SES): its users see only their own.
OTHER_PARTY = {
    "plans:detail": "200 200 200 200 404 403 302",
    "plans:file": "200 200 200 200 404 403 302",
    "plan-detail": "200 200 200 200 404 403 401",
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data with a built pack and a user without role, loaded once for the module
    inside a transaction rolled back after it. Returns the URL arguments for every name."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield _url_arguments()
        transaction.set_rollback(True)


def _url_arguments() -> dict:
    from core.models import Committee
    from issues.models import Breach, Communication, IssueAction, RectificationTask
    from kvis import packs
    from performance_plans.models import Evidence, Plan, Review
    from surveys.models import Round, YouSaidWeDid

    User = get_user_model()
    User.objects.create_user(username="norole", password="not-used-1")
    admin = User.objects.get(username="admin")
    pack = packs.pack_request(
        committee=Committee.objects.get(code="CoMC"),
        month=date(2020, 11, 1),
        by=admin,
        enqueue=lambda **kw: None,
    )
    packs.pack_build(pack_id=pack.pk)
    own, other = (
        Plan.objects.get(party__short_name="NGS"),
        Plan.objects.get(party__short_name="SES"),
    )
    task = RectificationTask.objects.first()
    breach, communication = Breach.objects.first(), Communication.objects.first()
    rnd = Round.objects.first()
    update = {"code": "KVI-07", "month": "2020-11"}

    def plan_args(plan):
        evidence = Evidence.objects.filter(gap__plan=plan).first()
        return {
            **{
                f"plans:{n}": {"pk": plan.pk}
                for n in [
                    "detail",
                    "edit",
                    "transition",
                    "close",
                    "gap_add",
                    "action_add",
                    "chase_add",
                    "escalation_add",
                ]
            },
            "plans:evidence_add": {"pk": plan.pk, "gap_pk": evidence.gap_id},
            "plans:file": {"pk": plan.pk, "which": "evidence", "item": evidence.pk},
            "plan-detail": {"pk": plan.pk},
            "plan-transition": {"pk": plan.pk},
        }

    review = Review.objects.filter(plan__party__short_name="NGS").first() or Review.objects.first()
    from kvis.models import KVI, ForwardPlanItem
    from meetings.models import Meeting

    meeting = Meeting.objects.get(committee__code="CoMC", date=date(2020, 12, 16))
    action = meeting.actions.first()
    return {
        **{f"meetings:{n}": {"pk": meeting.pk} for n in ["detail", "decision_add", "action_add"]},
        "meetings:action_complete": {"pk": meeting.pk, "action_pk": action.pk},
        "meetings:my_update_preview": {
            "meeting_pk": meeting.pk,
            "kvi_pk": KVI.objects.get(code="KVI-07").pk,
        },
        "meeting-detail": {"pk": meeting.pk},
        "action-detail": {"pk": action.pk},
        "forward-plan-item-detail": {"pk": ForwardPlanItem.objects.first().pk},
        "kvis:pack_status": {"pk": pack.pk},
        "kvis:pack_pdf": {"pk": pack.pk},
        "kvis:pack_issue": {"pk": pack.pk},
        "kvis:pack_book": {"pk": pack.pk},
        "kvis:detail": {"code": "KVI-07"},
        **{
            f"kvis:{n}": update
            for n in [
                "update",
                "update_edit",
                "update_preview",
                "submit",
                "approve",
                "return",
                "correct",
            ]
        },
        **{
            f"issues:{n}": {"pk": task.issue_id}
            for n in ["issue_detail", "issue_update", "issue_score", "issue_status", "task_create"]
        },
        "issues:task_update": {"pk": task.pk},
        "issues:action_done": {"pk": IssueAction.objects.first().pk},
        "issues:action_done_now": {"pk": IssueAction.objects.first().pk},
        **{
            f"issues:{n}": {"pk": breach.pk}
            for n in [
                "breach_detail",
                "breach_update",
                "breach_record_notification",
                "breach_record_resolution",
            ]
        },
        "issues:communication_detail": {"pk": communication.pk},
        "issues:communication_update": {"pk": communication.pk},
        "surveys:chart": {"key": "trust"},
        "surveys:round_create": {"key": "trust"},
        **{
            f"surveys:{n}": {"pk": rnd.pk} for n in ["round_detail", "round_update", "round_import"]
        },
        "surveys:feedback_update": {"pk": YouSaidWeDid.objects.first().pk},
        **plan_args(own),
        "plans:review_record": {"pk": review.plan_id, "review_pk": review.pk},
        "kvi-detail": {"code": "KVI-07"},
        "kvi-updates": {"code": "KVI-07"},
        "issue-detail": {"reference": task.issue.reference},
        "breach-detail": {"reference": breach.reference},
        "communication-detail": {"reference": communication.reference},
        "pack-detail": {"pk": pack.pk},
        "pack-issue": {"pk": pack.pk},
        "survey-round-detail": {"pk": rnd.pk},
        "password_reset_confirm": {"uidb64": "x", "token": "not-a-real-token"},
        "other-party": plan_args(other),
    }


@pytest.fixture
def clients(demo, db):
    User = get_user_model()
    result = {}
    for role in ROLES[:-1]:
        c = Client()
        c.force_login(User.objects.get(username=role))
        result[role] = c
    result["anonymous"] = Client()
    return result


def _path(demo, name, arguments=None) -> str:
    return reverse(name, kwargs=(arguments or demo).get(name))


def _statuses(clients, path, method="get") -> str:
    return " ".join(str(getattr(clients[r], method)(path).status_code) for r in ROLES)


SITE_NAMES = sorted({name for _, name in all_urls() if not name.startswith("admin:")})


def test_the_table_holds_every_url_of_the_site():
    assert set(GET) == set(SITE_NAMES)


@pytest.mark.parametrize("name", SITE_NAMES)
def test_each_role_gets_the_expected_status(demo, clients, name):
    path = _path(demo, name)
    assert _statuses(clients, path) == GET[name], f"{name} {path}: {ROLES}"


@pytest.mark.parametrize("name", sorted(OTHER_PARTY))
def test_a_party_sees_only_its_own_plan(demo, clients, name):
    path = _path(demo, name, demo["other-party"])
    assert _statuses(clients, path) == OTHER_PARTY[name], f"{name} {path}: {ROLES}"


# Writes: who may post, and CSRF -------------------------------------------------------------

ADMIN_PAGES = sorted(
    (path, name)
    for path, name in all_urls()
    if name == "admin:index" or name.endswith("_changelist")
)


@pytest.mark.parametrize(("path", "name"), ADMIN_PAGES)
def test_only_the_admin_role_opens_the_django_admin(demo, clients, path, name):
    for role in ROLES:
        response = clients[role].get(path)
        if role == "admin":
            assert response.status_code == 200, name
        else:
            assert response.status_code == 302, (role, name)
            assert response["Location"].startswith(("/admin/login/", "/accounts/login/")), name


#: Anyone may post to these: they log in or out, exchange a password for a token, change or
#: reset their own password, revoke their own API tokens, or (home) redirect to the role's
#: landing page whatever the method, writing nothing.
OPEN_POSTS = {
    "login",
    "logout",
    "api-token",
    "api-logout",
    "api-logout-all",
    "password_change",
    "password_reset",
    "password_reset_confirm",
    "api_tokens",
    "home",
}
#: API views that take a token or a password, never the session cookie: a forged cross-site
#: post has nothing to ride on, so CSRF does not apply (they answer 400 or 401 instead).
NO_SESSION_POSTS = {"api-token", "api-logout", "api-logout-all"}
READ_ONLY = ("committee", "party", "norole")


@pytest.mark.parametrize("name", sorted(set(SITE_NAMES) - OPEN_POSTS))
def test_those_who_only_read_cannot_post_anywhere(demo, clients, name):
    path = _path(demo, name)
    for role in READ_ONLY:
        status = clients[role].post(path).status_code
        assert status in (403, 404, 405), f"{role} posted to {name} ({path}): {status}"


ALL_URLS = sorted(set(all_urls()))


def test_every_post_without_a_csrf_token_is_refused(demo, db):
    """A logged-in admin's browser posting without the token (a forged cross-site form) is
    refused on every URL of the site and of the Django admin; only the token login and logouts
    of the API, which take a password or a token rather than a session, do not need one."""
    admin = Client(enforce_csrf_checks=True)
    admin.force_login(get_user_model().objects.get(username="admin"))
    accepted = []
    for path, name in ALL_URLS:
        if name in NO_SESSION_POSTS:
            continue
        if not name.startswith("admin:"):
            path = _path(demo, name)  # with real records; the admin's sample paths are enough
        if path.startswith("/api/"):
            # The API reads JSON bodies only (a form body is 415 before anything else): the
            # forged request that could reach it is a JSON one, and that must meet the check.
            status = admin.post(path, "{}", content_type="application/json").status_code
            if status == 415:  # an import takes a file: the forged form is a multipart one
                status = admin.post(path, {"x": "1"}).status_code
        else:
            status = admin.post(path, {"x": "1"}).status_code
        if status != 403:
            accepted.append((name, path, status))
    assert not accepted
    response = admin.post(_path(demo, "issues:issue_create"), {"title": "forged"})
    assert b"CSRF verification failed" in response.content


def _post_forms(html: str) -> list[str]:
    parts = html.split("<form")[1:]
    return [p.split("</form>")[0] for p in parts if 'method="post"' in p.split(">")[0].lower()]


@pytest.mark.parametrize("role", ["ops", "pafa", "admin"])
def test_every_form_that_posts_carries_the_csrf_token(demo, clients, role):
    seen = 0
    for name in SITE_NAMES:
        if GET[name].split()[ROLES.index(role)] != "200" or name.startswith(("api", "kvi-")):
            continue
        response = clients[role].get(_path(demo, name))
        if "text/html" not in response["Content-Type"]:
            continue
        html = response.content.decode()
        for form in _post_forms(html):
            seen += 1
            assert "csrfmiddlewaretoken" in form, f"{name}: {form[:200]}"
        if "<body" in html:  # a whole page, not an htmx fragment: htmx requests carry it too
            assert 'hx-headers=\'{"X-CSRFToken": "' in html, name
    assert seen >= 10


# Escaping -------------------------------------------------------------------------------------

SCRIPT = '<script>alert("kvi")</script><img src=x onerror="alert(1)">'
ESCAPED = "&lt;script&gt;alert(&quot;kvi&quot;)&lt;/script&gt;&lt;img src=x onerror=&quot;"


def _assert_shown_as_text(response, where):
    html = response.content.decode()
    assert response.status_code == 200, where
    assert ESCAPED in html, f"{where}: the text is not on the page"
    assert "<script>alert(" not in html and "<img src=x" not in html, f"{where}: not escaped"


def test_user_text_is_escaped_on_every_page_that_shows_it(demo, clients):
    from issues.models import Issue
    from kvis.models import KVIUpdate
    from performance_plans.models import Plan

    KVIUpdate.objects.filter(kvi__code="KVI-07", month=date(2020, 11, 1)).update(
        last_update=SCRIPT, drivers=SCRIPT
    )
    issue = Issue.objects.first()
    Issue.objects.filter(pk=issue.pk).update(title=SCRIPT, description=SCRIPT)
    plan = Plan.objects.get(party__short_name="NGS")
    Plan.objects.filter(pk=plan.pk).update(title=SCRIPT)
    admin = clients["admin"]
    for path in (
        "/kvis/KVI-07/2020-11/",
        "/kvis/KVI-07/",
        f"/issues/{issue.pk}/",
        "/issues/list/",
        f"/plans/{plan.pk}/",
        "/plans/",
    ):
        _assert_shown_as_text(admin.get(path), path)
    assert SCRIPT in admin.get(f"/api/issues/{issue.reference}/").json()["title"]


def test_user_text_prints_as_text_in_the_pack_pdf(demo, admin_user_):
    from pypdf import PdfReader

    from core.models import Committee
    from kvis import packs
    from kvis.models import KVIUpdate

    KVIUpdate.objects.filter(kvi__code="KVI-07", month=date(2020, 11, 1)).update(last_update=SCRIPT)
    pack = packs.pack_request(
        committee=Committee.objects.get(code="CoMC"),
        month=date(2020, 11, 1),
        by=admin_user_,
        enqueue=lambda **kw: None,
    )
    pack = packs.pack_build(pack_id=pack.pk)
    with pack.file.open("rb") as f:
        reader = PdfReader(BytesIO(f.read()))
    text = "".join(page.extract_text() for page in reader.pages)
    assert '<script>alert("kvi")</script>' in text.replace("\n", "")


# Uploads --------------------------------------------------------------------------------------


def _upload(name: str, content: bytes, content_type="text/csv"):
    return SimpleUploadedFile(name, content, content_type=content_type)


BIG_CSV = b"code,month,measure,actual\n" + b"KVI-01,2020-11,x,1\n" * 300_000  # about 5.4 MB


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("results.exe", b"MZ\x90\x00binary", "is not a CSV file"),
        ("results.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "is not text"),
        ("results.csv", b"", "is empty"),
        ("results.csv", BIG_CSV, "an import takes at most 5 MB"),
    ],
)
def test_csv_imports_refuse_wrong_type_and_size(demo, clients, name, content, message):
    from kvis.models import MeasureResult
    from surveys.models import Response as SurveyResponse

    ops = clients["ops"]
    before = MeasureResult.objects.count(), SurveyResponse.objects.count()
    kvi = ops.post("/kvis/import/", {"kind": "results", "file": _upload(name, content)})
    assert kvi.status_code in (200, 400) and message in kvi.content.decode(), "KVI import"
    survey = ops.post(
        _path(demo, "surveys:round_import"), {"file": _upload(name, content)}, follow=True
    )
    assert message in survey.content.decode(), "survey import"
    api = ops.post("/api/issues/import/", {"file": _upload(name, content)})
    assert api.status_code == 400 and message in str(api.json()), "issue import (API)"
    assert (MeasureResult.objects.count(), SurveyResponse.objects.count()) == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("finding.exe", b"MZ\x90\x00", "is not an accepted type"),
        ("finding.pdf", b"<html>not a pdf</html>", "does not look like a"),
        ("finding.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024 + 1), "the limit is 5 MB"),
    ],
)
def test_plan_evidence_upload_refuses_wrong_type_and_size(demo, clients, name, content, message):
    from performance_plans.models import Evidence

    args = demo["plans:evidence_add"]
    before = Evidence.objects.count()
    response = clients["pafa"].post(
        _path(demo, "plans:evidence_add"),
        {"kind": "audit", "summary": "Audit finding", "file": _upload(name, content, "x/y")},
        follow=True,
    )
    assert message in response.content.decode(), args
    assert Evidence.objects.count() == before


# Login throttling -----------------------------------------------------------------------------


def test_repeated_failed_logins_lock_the_account_with_a_clear_page(demo, settings):
    settings.AXES_ENABLED = True
    from django.conf import settings as live

    limit = live.AXES_FAILURE_LIMIT
    for user in get_user_model().objects.filter(username__in=["ops", "pafa"]):
        user.set_password(PASSWORD)  # the tests' fast hasher cannot read the demo's hashes
        user.save()
    browser = Client()
    for attempt in range(limit - 1):
        response = browser.post("/accounts/login/", {"username": "ops", "password": "wrong"})
        assert response.status_code == 200, attempt
        assert b"did not match" in response.content
    response = browser.post("/accounts/login/", {"username": "ops", "password": "wrong"})
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content
    right = browser.post("/accounts/login/", {"username": "ops", "password": PASSWORD})
    assert right.status_code == 429, "the right password must not get through a lockout"
    assert "_auth_user_id" not in browser.session
    other = Client().post("/accounts/login/", {"username": "pafa", "password": PASSWORD})
    assert other.status_code == 302, "another account from the same address is not locked"
