"""Pages, the visibility matrix for every role, the RACI matrix, the PAC pack section and the
activity-lead resolver."""

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from conftest import make_user
from core.contacts import activity_lead_emails
from core.errors import STALE_VERSION
from core.models import Committee
from core.roles import ADMIN, COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA, ROLES
from core.tests.factories import PartyFactory
from kvis.registry import pack_sections
from performance_plans import demo, selectors, services
from performance_plans.models import Activity, Plan
from performance_plans.rules import Step
from performance_plans.tests.factories import PDF_BYTES, EvidenceFactory, GapFactory, PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties(django_user_model):
    """Two parties, each with a plan and a user of its own."""
    ngs, ses = PartyFactory(name="NGS Ltd"), PartyFactory(name="SES plc")
    ngs_user = make_user(django_user_model, "ngs-person", None)
    ses_user = make_user(django_user_model, "ses-person", None)
    ngs.users.add(ngs_user)
    ses.users.add(ses_user)
    return {
        "ngs_plan": PlanFactory(party=ngs, title="NGS plan"),
        "ses_plan": PlanFactory(party=ses, title="SES plan"),
        "ngs_user": ngs_user,
        "ses_user": ses_user,
    }


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


# The visibility matrix ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_every_plan(role, role_users, parties):
    visible = set(selectors.plans_visible_to(role_users[role]).values_list("title", flat=True))
    assert visible == {"NGS plan", "SES plan"}
    client = _client(role_users[role])
    page = client.get(reverse("plans:index"))
    assert page.status_code == 200
    assert b"NGS plan" in page.content and b"SES plan" in page.content
    for plan in (parties["ngs_plan"], parties["ses_plan"]):
        assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 200


def test_a_party_user_sees_only_its_partys_plans(parties):
    user = parties["ngs_user"]
    assert list(selectors.plans_visible_to(user)) == [parties["ngs_plan"]]
    client = _client(user)
    page = client.get(reverse("plans:index"))
    assert page.status_code == 200
    assert b"NGS plan" in page.content and b"SES plan" not in page.content
    assert client.get(reverse("plans:detail", args=[parties["ngs_plan"].pk])).status_code == 200
    assert client.get(reverse("plans:detail", args=[parties["ses_plan"].pk])).status_code == 404
    assert user.has_perm("performance_plans.view_plan", parties["ngs_plan"])
    assert not user.has_perm("performance_plans.view_plan", parties["ses_plan"])


def test_a_party_user_sees_only_its_party_in_the_party_filters(parties):
    client = _client(parties["ngs_user"])
    page = client.get(reverse("plans:index")).content.decode()
    assert "NGS Ltd" in page and "SES plc" not in page
    assert [p.name for p in selectors.parties_visible_to(parties["ngs_user"])] == ["NGS Ltd"]
    # Asking the API for another party's plans finds nothing, as for a party with no plan:
    # the answer does not even say whether that party exists.
    other = parties["ses_plan"].party_id
    response = client.get("/api/plans/", {"party": other})
    assert response.status_code == 200 and response.json()["results"] == []
    assert client.get("/api/plans/", {"party": parties["ngs_plan"].party_id}).status_code == 200


def test_a_party_user_navigation_offers_only_plans(parties):
    page = _client(parties["ngs_user"]).get(reverse("plans:index")).content.decode()
    nav = page.split('id="nav-main"')[1].split("</ul>")[0]
    assert "Improvement plans" in nav
    for area in ("KVIs", "Issues &amp; breaches", "Surveys"):
        assert area not in nav


def test_a_party_user_reads_only_and_gets_404_for_another_partys_files(parties):
    client = _client(parties["ngs_user"])
    ngs, ses = parties["ngs_plan"], parties["ses_plan"]
    assert client.get(reverse("plans:edit", args=[ngs.pk])).status_code == 403
    assert (
        client.post(reverse("plans:gap_add", args=[ngs.pk]), {"description": "x"}).status_code
        == 403
    )
    evidence = EvidenceFactory(gap=GapFactory(plan=ses))
    url = reverse("plans:file", args=[ses.pk, "evidence", evidence.pk])
    assert client.get(url).status_code == 404
    assert _client(parties["ses_user"]).get(url).status_code == 200


def test_a_user_without_role_or_party_reads_nothing(role_users, parties):
    client = _client(role_users["none"])
    assert selectors.plans_visible_to(role_users["none"]).count() == 0
    assert client.get(reverse("plans:index")).status_code == 403
    assert client.get(reverse("plans:detail", args=[parties["ngs_plan"].pk])).status_code == 403
    assert client.get(reverse("plans:raci")).status_code == 403


WRITE_URLS = [
    ("plans:create", False, "get"),
    ("plans:edit", True, "get"),
    ("plans:gap_add", True, "get"),
    ("plans:action_add", True, "get"),
    ("plans:close", True, "get"),
    ("plans:chase_add", True, "get"),
    ("plans:transition", True, "post"),
]


@pytest.mark.parametrize("name,with_plan,method", WRITE_URLS)
@pytest.mark.parametrize(
    "role,allowed", [(COMMITTEE_MEMBER, False), (CUSTOMER_OPS, False), (PAFA, True), (ADMIN, True)]
)
def test_only_pafa_and_admin_change_plans(role, allowed, name, with_plan, method, role_users):
    plan = PlanFactory()
    url = reverse(name, args=[plan.pk] if with_plan else [])
    response = getattr(_client(role_users[role]), method)(url)
    if allowed:
        assert response.status_code in {200, 302}
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(
    "role,status", [(COMMITTEE_MEMBER, 403), (CUSTOMER_OPS, 200), (PAFA, 200), (ADMIN, 200)]
)
def test_customer_ops_and_pafa_log_escalations(role, status, role_users):
    plan = PlanFactory()
    assert (
        _client(role_users[role]).get(reverse("plans:escalation_add", args=[plan.pk])).status_code
        == status
    )


def test_committee_member_sees_the_plan_without_write_controls(committee_user, pafa_user):
    plan = PlanFactory()
    page = _client(committee_user).get(reverse("plans:detail", args=[plan.pk]))
    assert b"Edit plan record" not in page.content and b"Add a gap" not in page.content
    page = _client(pafa_user).get(reverse("plans:detail", args=[plan.pk]))
    assert b"Edit plan record" in page.content and b"Add a gap" in page.content


# Pages and forms ------------------------------------------------------------------------------


def test_pafa_creates_a_plan_with_root_causes(pafa_user):
    party = PartyFactory()
    pac = Committee.objects.create(code="PAC", name="PAC")
    client = _client(pafa_user)
    data = {
        "party": party.pk,
        "title": "Reads",
        "mandated_by": pac.pk,
        "mandated_on": "2022-01-18",
        "reviews_mandated": "on",
        "cause_market_dynamics": "on",
        "explain_market_dynamics": "",
    }
    page = client.post(reverse("plans:create"), data)
    assert page.status_code == 200
    assert "Explain this root cause" in page.content.decode()
    assert not Plan.objects.exists()
    data["explain_market_dynamics"] = "Skilled labour shortage"
    response = client.post(reverse("plans:create"), data)
    plan = Plan.objects.get()
    assert response.url == reverse("plans:detail", args=[plan.pk])
    assert plan.review_interval_days == 14
    assert plan.root_causes.get().cause == "market_dynamics"


def test_a_premature_move_is_refused_with_the_reason(pafa_user):
    plan = PlanFactory()
    client = _client(pafa_user)
    response = client.post(
        reverse("plans:transition", args=[plan.pk]),
        {"to": Step.GAPS_OUTLINED, "version": plan.version},
        follow=True,
    )
    assert (
        "Cannot move to “1. Gaps outlined”: missing at least one gap" in response.content.decode()
    )
    plan.refresh_from_db()
    assert plan.step == Step.MANDATED


def test_the_edit_form_refuses_a_stale_version_and_shows_current_values(pafa_user):
    plan = PlanFactory(title="Original")
    client = _client(pafa_user)
    form = client.get(reverse("plans:edit", args=[plan.pk]))
    assert 'name="version" value="1"' in form.content.decode()
    services.plan_update(plan=plan, version=1, changes={"title": "Changed by PAFA 2"}, by=pafa_user)
    data = {"title": "Mine", "version": 1, "review_interval_days": 14}
    response = client.post(reverse("plans:edit", args=[plan.pk]), data)
    assert response.status_code == 409
    text = response.content.decode()
    assert STALE_VERSION.format(yours=1, theirs=2) in text and "Changed by PAFA 2" in text
    assert response.context["conflict_current"]["title"] == "Changed by PAFA 2"
    assert 'value="Mine"' in text  # what the user typed stays in the form
    plan.refresh_from_db()
    assert plan.title == "Changed by PAFA 2"


def test_evidence_form_rejects_a_disguised_file_with_a_clear_message(pafa_user):
    gap = GapFactory()
    url = reverse("plans:evidence_add", args=[gap.plan.pk, gap.pk])
    client = _client(pafa_user)
    response = client.post(
        url,
        {"kind": "audit", "summary": "x", "file": SimpleUploadedFile("a.pdf", b"GIF89a....")},
    )
    assert response.status_code == 409
    assert "“a.pdf” does not look like a PDF file" in response.content.decode()
    response = client.post(url, {"kind": "audit", "summary": "x"})
    assert "Link a KVI, issue or breach, or upload a file" in response.content.decode()
    response = client.post(
        url, {"kind": "audit", "summary": "ok", "file": SimpleUploadedFile("a.pdf", PDF_BYTES)}
    )
    assert response.status_code == 302
    assert gap.evidence.count() == 1


def test_plan_list_exports_csv(pafa_user):
    PlanFactory(title="Exported plan")
    response = _client(pafa_user).get(reverse("plans:index") + "?_export=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert b"Exported plan" in response.content


# RACI -----------------------------------------------------------------------------------------


def test_raci_matrix_shows_activities_by_roles(committee_user):
    demo.load_raci()
    page = _client(committee_user).get(reverse("plans:raci"))
    assert page.status_code == 200
    text = page.content.decode()
    for _key, name, _cells in demo.RACI_ACTIVITIES:
        assert name in text
    matrix = selectors.raci_matrix()
    assert [r.name for r in matrix["roles"]] == ["PAFA", "Customer Ops team", "CAMs"]
    first = matrix["rows"][0]
    assert [c.responsibility if c else None for c in first["cells"]] == ["lead", "support", None]
    assert Activity.objects.count() == 4


def test_the_resolver_gives_the_lead_roles_emails(role_users, django_user_model):
    demo.load_raci()
    inactive = make_user(django_user_model, "old-pafa", PAFA, is_active=False)
    assert inactive.email
    assert activity_lead_emails("liaising-with-parties") == [role_users[PAFA].email]
    assert activity_lead_emails("plan-meetings") == [
        role_users[PAFA].email,
        role_users[CUSTOMER_OPS].email,
    ]
    assert activity_lead_emails("no-such-activity") == []
    # A role without a portal group is reached through its named contacts.
    Activity.objects.get(key="pac-attendance").roles.filter(role__key="cams").update(
        responsibility="lead"
    )
    assert "cam-team@example.org" in activity_lead_emails("pac-attendance")


# PAC pack -------------------------------------------------------------------------------------


def test_pac_pack_lists_parties_on_plans_and_closed_plans_documentation(pafa_user):
    pac = Committee.objects.create(code="PAC", name="PAC")
    open_plan = PlanFactory(
        title="Open plan", step=Step.UNDER_REVIEW, next_review_on=date(2022, 3, 1)
    )
    PlanFactory(
        title="Closed in March",
        step=Step.CLOSED,
        closed_on=date(2022, 3, 31),
        outcome="improved",
        actions_taken="Hired a manager",
        results_achieved="Reads at 97%",
    )
    PlanFactory(title="Closed in April", step=Step.CLOSED, closed_on=date(2022, 4, 1))
    # The pack shows the plans as they stood at the month's end: recorded in March 2022.
    Plan.history.update(history_date=datetime(2022, 3, 15, 12, tzinfo=UTC))
    section = next(s for s in pack_sections("PAC") if s.key == "plans.parties")
    assert "plans.parties" not in [s.key for s in pack_sections("CoMC")]
    context = section.context(pac, date(2022, 3, 1))
    assert [row["title"] for row in context["open_plans"]] == ["Open plan"]
    assert context["open_plans"][0]["step"] == open_plan.step_label
    assert [p.title for p in context["closed_plans"]] == ["Closed in March"]
    html = render_to_string(section.template_name, context)
    assert "Open plan" in html and "Reads at 97%" in html and "1 Mar 2022" in html
    assert "<html" not in html


# Demo -----------------------------------------------------------------------------------------


def test_demo_is_idempotent_and_sets_up_the_two_plans(django_user_model):
    from core import demo as core_demo

    core_demo.load()
    demo.load()
    counts = {m: m.objects.count() for m in (Plan, Activity)}
    demo.load()
    assert {m: m.objects.count() for m in (Plan, Activity)} == counts
    ngs = Plan.objects.get(party__short_name="NGS")
    assert ngs.step == Step.GAPS_OUTLINED and ngs.mandated_on == date(2022, 1, 18)
    assert ngs.gaps.count() == 2 and all(g.evidence.exists() for g in ngs.gaps.all())
    ses = Plan.objects.get(party__short_name="SES")
    assert ses.step == Step.UNDER_REVIEW
    assert ses.reviews.filter(held_on__isnull=False).count() == 3
    assert ses.next_review_on is not None
    party = django_user_model.objects.get(username="party")
    assert list(selectors.plans_visible_to(party)) == [ngs]
    assert (
        not Group.objects.get(name=COMMITTEE_MEMBER)
        .permissions.filter(codename="change_plan")
        .exists()
    )


def test_the_demo_plans_read_the_same_in_every_months_pack_as_they_stand_now(django_user_model):
    """Each month's PAC section lists each plan once; the current month's shows the SES plan as
    the plan page does (its RAG from the last review held, its next review, its open actions),
    and the month before shows its next review as it was then, not a later one."""
    from core import demo as core_demo
    from core.calendar import add_months, first_of_month, localdate
    from performance_plans.pack import parties_context

    core_demo.load()
    demo.load()
    ses = Plan.objects.get(party__short_name="SES")
    this_month = first_of_month(localdate())
    for month in (add_months(this_month, -2), add_months(this_month, -1), this_month):
        rows = parties_context(None, month)["open_plans"]
        assert len(rows) == len({row["plan"].pk for row in rows}), month
    [now] = [r for r in parties_context(None, this_month)["open_plans"] if r["plan"] == ses]
    last_held = ses.reviews.exclude(held_on=None).order_by("-held_on").first()
    assert now["rag"].value == last_held.plan_rag
    assert now["next_review_on"] == ses.next_review_on
    open_actions = ses.actions.filter(percent_complete__lt=100).order_by("due_on")
    assert [a.pk for a in now["actions"]] == [a.pk for a in open_actions]
    before = add_months(this_month, -1)
    for row in parties_context(None, before)["open_plans"]:
        if row["next_review_on"]:
            held_by_then = [
                r.held_on
                for r in row["plan"].reviews.exclude(held_on=None)
                if r.held_on < first_of_month(add_months(before, 1))
            ]
            assert held_by_then and row["next_review_on"] > max(held_by_then)


def test_a_plan_rag_that_differs_from_its_actions_says_why(committee_user):
    from performance_plans.models import ActionProgress, Review
    from performance_plans.tests.factories import ActionFactory

    plan = PlanFactory()
    late = ActionFactory(plan=plan, description="Clear the backlog")
    fine = ActionFactory(plan=plan, description="Train the team")
    earlier = Review.objects.create(
        plan=plan, scheduled_on=date(2022, 3, 1), held_on=date(2022, 3, 1), plan_rag="red"
    )
    review = Review.objects.create(
        plan=plan, scheduled_on=date(2022, 3, 15), held_on=date(2022, 3, 15), plan_rag="green"
    )
    for r, action, rag in [
        (earlier, late, "on_track"),
        (review, late, "off_track"),
        (review, fine, "on_track"),
    ]:
        ActionProgress.objects.create(
            review=r,
            action=action,
            percent_complete=10,
            expected_percent=50,
            rag=rag,
            settings_version=1,
        )
    page = _client(committee_user).get(reverse("plans:detail", args=[plan.pk])).content.decode()
    note = page.split('data-testid="plan-rag-note">')[1].split("</p>")[0]
    assert (
        "The plan&#x27;s RAG (Green) is the one recorded at its latest review, held 15 Mar 2022"
        in note
    )
    assert "“Clear the backlog” was Off track" in note and "Train the team" not in note


def test_a_plan_rag_that_agrees_with_its_actions_needs_no_note(committee_user):
    from performance_plans.models import ActionProgress, Review
    from performance_plans.tests.factories import ActionFactory

    plan = PlanFactory()
    review = Review.objects.create(
        plan=plan, scheduled_on=date(2022, 3, 15), held_on=date(2022, 3, 15), plan_rag="amber"
    )
    ActionProgress.objects.create(
        review=review,
        action=ActionFactory(plan=plan),
        percent_complete=40,
        expected_percent=50,
        rag="at_risk",
        settings_version=1,
    )
    page = _client(committee_user).get(reverse("plans:detail", args=[plan.pk]))
    assert b"plan-rag-note" not in page.content


@pytest.mark.parametrize("days", ["0", "-1"])
def test_every_form_refuses_a_short_review_interval_with_the_one_message(pafa_user, days):
    """The plan forms and the settings in the admin say the same thing, 0 or negative alike."""
    from django.contrib.admin.sites import site

    from performance_plans.models import PlanSettings
    from performance_plans.rules import REVIEW_INTERVAL_TOO_SHORT

    message = REVIEW_INTERVAL_TOO_SHORT
    plan = PlanFactory()
    client = _client(pafa_user)
    created = client.post(
        reverse("plans:create"),
        {"party": PartyFactory().pk, "title": "Reads", "review_interval_days": days},
    )
    edited = client.post(
        reverse("plans:edit", args=[plan.pk]),
        {"title": plan.title, "version": plan.version, "review_interval_days": days},
    )
    for response in (created, edited):
        assert response.status_code == 200
        assert response.context["form"].errors["review_interval_days"] == [message]
    admin_form = site._registry[PlanSettings].get_form(None)(
        data={"mandated_review_interval_days": days, "review_interval_days": days}
    )
    assert admin_form.errors["mandated_review_interval_days"] == [message]
    assert admin_form.errors["review_interval_days"] == [message]
