"""Pages: who may open what, forms refusing bad input with clear messages, exports."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.calendar import LONDON
from core.roles import ADMIN, COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA
from core.tests.factories import OrganisationFactory
from issues import services
from issues.models import Breach, Issue, IssueAction
from issues.tests.factories import (
    BreachFactory,
    CommunicationFactory,
    IssueFactory,
    RectificationTaskFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    issue = IssueFactory(impact=3, financial=3, internal_notes="Secret supplier detail")
    task = RectificationTaskFactory(issue=issue)
    return {
        "issue": issue,
        "task": task,
        "action": issue.actions.first(),
        "breach": BreachFactory(severity="high"),
        "comm": CommunicationFactory(),
    }


def read_urls(r):
    return [
        reverse("issues:index"),
        reverse("issues:index") + "?month=2020-11",
        reverse("issues:register"),
        reverse("issues:matrix"),
        reverse("issues:issue_detail", args=[r["issue"].pk]),
        reverse("issues:breach_list"),
        reverse("issues:breach_detail", args=[r["breach"].pk]),
        reverse("issues:communication_list"),
        reverse("issues:communication_detail", args=[r["comm"].pk]),
    ]


def write_urls(r):
    return [
        reverse("issues:issue_create"),
        reverse("issues:issue_update", args=[r["issue"].pk]),
        reverse("issues:issue_score", args=[r["issue"].pk]),
        reverse("issues:issue_status", args=[r["issue"].pk]),
        reverse("issues:task_create", args=[r["issue"].pk]),
        reverse("issues:task_update", args=[r["task"].pk]),
        reverse("issues:action_done", args=[r["action"].pk]),
        reverse("issues:breach_create"),
        reverse("issues:breach_update", args=[r["breach"].pk]),
        reverse("issues:communication_create"),
        reverse("issues:communication_update", args=[r["comm"].pk]),
    ]


@pytest.mark.parametrize("role", [COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA, ADMIN])
def test_every_role_reads_every_page(client_for, records, role):
    c = client_for(role)
    for url in read_urls(records):
        assert c.get(url).status_code == 200, url


@pytest.mark.parametrize(
    ("role", "status"), [(CUSTOMER_OPS, 200), (ADMIN, 200), (COMMITTEE_MEMBER, 403), (PAFA, 403)]
)
def test_write_pages_for_ops_and_admin_only(client_for, records, role, status):
    c = client_for(role)
    for url in write_urls(records):
        assert c.get(url).status_code == status, url
        if status == 403:
            assert c.post(url, {}).status_code == 403, url


def test_user_without_role_reads_nothing(client_for, records):
    c = client_for("none")
    for url in read_urls(records) + write_urls(records):
        assert c.get(url).status_code == 403, url


def test_published_register_hides_internal_notes_from_committee(client_for, records):
    issue = records["issue"]
    page = client_for(COMMITTEE_MEMBER).get(reverse("issues:issue_detail", args=[issue.pk]))
    assert issue.reference.encode() in page.content
    assert b"Secret supplier detail" not in page.content
    assert client_for(COMMITTEE_MEMBER).get(reverse("issues:issue_list")).status_code == 403
    ops_page = client_for(CUSTOMER_OPS).get(reverse("issues:issue_detail", args=[issue.pk]))
    assert b"Secret supplier detail" in ops_page.content


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", ["issues:register", "issues:breach_list", "issues:issue_list"])
def test_lists_export(client_for, records, name, fmt):
    response = client_for(CUSTOMER_OPS).get(reverse(name), {"_export": fmt})
    assert response.status_code == 200
    assert fmt in response["Content-Disposition"]


def test_register_csv_has_no_internal_columns(client_for, records):
    body = client_for(CUSTOMER_OPS).get(reverse("issues:register"), {"_export": "csv"})
    text = body.getvalue().decode()
    assert records["issue"].reference in text
    assert "Owner" not in text and "Secret" not in text


@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({"status": "open"}, True),
        ({"status": "closed"}, False),
        ({"band": "High"}, True),
        ({"band": "Low"}, False),
        ({"month": "2021-06"}, True),
        ({"month": "2021-07"}, False),
    ],
)
def test_issue_filters(client_for, records, params, found):
    page = client_for(CUSTOMER_OPS).get(reverse("issues:issue_list"), params)
    assert (records["issue"].reference.encode() in page.content) == found


def test_overdue_filter(client_for, records):
    IssueAction.objects.update(done_at=timezone.now())
    late = IssueFactory(identified_at=timezone.now() - timedelta(days=30), impact=3, financial=3)
    page = client_for(CUSTOMER_OPS).get(reverse("issues:issue_list"), {"overdue": "on"})
    assert late.reference.encode() in page.content
    assert records["issue"].reference.encode() in page.content  # its task is overdue
    breaches = client_for(CUSTOMER_OPS).get(reverse("issues:breach_list"), {"overdue": "on"})
    assert records["breach"].reference.encode() in breaches.content


def _breach_post(ops_user, **overrides):
    data = {
        "severity": "high",
        "identified_at": "2021-06-14T10:00",
        "description": "Wrong recipient",
        "owner": ops_user.pk,
    }
    data.update(overrides)
    return data


def test_ops_logs_a_breach_and_sees_both_clocks(client_for, ops_user):
    c = client_for(CUSTOMER_OPS)
    org = OrganisationFactory()
    response = c.post(
        reverse("issues:breach_create"),
        _breach_post(ops_user, customers_impacted=[org.pk]),
        follow=True,
    )
    breach = Breach.objects.get()
    assert breach.notification_due == datetime(2021, 6, 14, 14, tzinfo=LONDON)
    assert b"Notification" in response.content and b"Resolution" in response.content
    assert b"14 Jun 2021 14:00" in response.content
    assert b"16 Jun 2021 23:59" in response.content


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"resolved_at": "2021-06-14T09:00"}, "Resolved at cannot be before identified at."),
        ({"notified_at": "2021-06-13T09:00"}, "Notified at cannot be before identified at."),
        ({"identified_at": "2099-01-01T10:00"}, "Identified at cannot be in the future."),
        ({"customers_impacted": ["99999"]}, "Unknown customer: 99999"),
        ({"severity": "extreme"}, "Select a valid choice"),
    ],
)
def test_bad_breach_input_is_refused_clearly(client_for, ops_user, overrides, message):
    response = client_for(CUSTOMER_OPS).post(
        reverse("issues:breach_create"), _breach_post(ops_user, **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Breach.objects.exists()


def _issue_post(ops_user, **overrides):
    return {
        "title": "Reads rejected",
        "description": "x",
        "category": "data",
        "identified_by": "provider",
        "identified_at": "2021-06-14T10:00",
        "mprns_affected": "3",
        "impact": "2",
        "financial": "2",
        "owner": ops_user.pk,
        **overrides,
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"impact": "4"}, "Select a valid choice. 4 is not one of the available choices."),
        ({"financial": "0"}, "Select a valid choice. 0 is not one of the available choices."),
        ({"identified_at": "2099-01-01T10:00"}, "Identified at cannot be in the future."),
        ({"affected_customers": ["99999"]}, "Unknown customer: 99999"),
    ],
)
def test_bad_issue_input_is_refused_clearly(client_for, ops_user, overrides, message):
    response = client_for(CUSTOMER_OPS).post(
        reverse("issues:issue_create"), _issue_post(ops_user, **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Issue.objects.exists()


def test_issue_logged_and_scored_from_the_form(client_for, ops_user):
    response = client_for(CUSTOMER_OPS).post(
        reverse("issues:issue_create"), _issue_post(ops_user, impact="3"), follow=True
    )
    issue = Issue.objects.get()
    assert (issue.score, issue.band, issue.reference) == (6, "High", "ISS-2021-0001")
    assert b"Report to CoMC" in response.content


def test_stale_edit_shows_a_conflict(client_for, records):
    issue = records["issue"]
    c = client_for(CUSTOMER_OPS)
    url = reverse("issues:issue_update", args=[issue.pk])
    form = c.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        identified_at="2021-06-14T10:00",
        owner=issue.owner.pk,
        affected_customers=[],
        version=issue.version - 1 if issue.version > 1 else 999,
    )
    response = c.post(url, data)
    assert response.status_code == 409  # a refusal: was 200 before the core service-form view
    assert "Someone else changed this record" in response.content.decode()
    assert "Someone saved this record while you were editing it" in response.content.decode()


def test_rescore_without_reason_is_refused_on_the_page(client_for, records):
    url = reverse("issues:issue_score", args=[records["issue"].pk])
    response = client_for(CUSTOMER_OPS).post(url, {"impact": "1", "financial": "1"})
    assert response.status_code == 409  # a refusal: was 200 before the core service-form view
    assert "Re-scoring an issue needs a reason" in response.content.decode()


def test_resolving_an_unscored_issue_is_refused_with_409(client_for, ops_user):
    issue = IssueFactory()
    url = reverse("issues:issue_status", args=[issue.pk])
    response = client_for(CUSTOMER_OPS).post(url, {"status": "resolved"})
    assert response.status_code == 409
    assert services.RESOLVE_NEEDS_SCORE in response.content.decode()
    issue.refresh_from_db()
    assert (issue.status, issue.version) == ("open", 1)


def test_a_double_submitted_status_change_is_409_not_500(client_for, records):
    issue = records["issue"]
    c = client_for(CUSTOMER_OPS)
    url = reverse("issues:issue_status", args=[issue.pk])
    before = issue.version
    data = {"status": "resolved", "version": before}
    assert c.post(url, data).status_code == 302
    again = c.post(url, data)
    assert again.status_code == 409
    assert "cannot go from Resolved to Resolved" in again.content.decode()
    issue.refresh_from_db()
    assert (issue.status, issue.version) == ("resolved", before + 1)


def test_a_status_change_from_a_stale_page_is_409(client_for, records):
    issue = records["issue"]
    c = client_for(CUSTOMER_OPS)
    url = reverse("issues:issue_status", args=[issue.pk])
    stale = issue.version
    services.issue_update(issue=issue, version=stale, title="Someone else's title")
    response = c.post(url, {"status": "resolved", "version": stale})
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).status == "open"


def test_matrix_page_shows_every_cell(client_for):
    page = client_for(COMMITTEE_MEMBER).get(reverse("issues:matrix")).content.decode()
    for score in (1, 2, 3, 4, 6, 9):
        assert f"<strong>{score}</strong>" in page
    assert "Report to CoMC" in page and "within 5 business days" in page


def test_overview_shows_the_months_figures(client_for):
    IssueFactory(identified_at=datetime(2020, 11, 3, 9, tzinfo=LONDON), impact=1, financial=1)
    page = client_for(COMMITTEE_MEMBER).get(reverse("issues:index"), {"month": "2020-11"})
    text = page.content.decode()
    assert "November 2020" in text
    assert 'class="rag rag-green"' in text


def test_overview_opens_on_the_latest_month_the_registers_report_on(client_for):
    IssueFactory(identified_at=datetime(2020, 11, 3, 9, tzinfo=LONDON), impact=1, financial=1)
    text = client_for(COMMITTEE_MEMBER).get(reverse("issues:index")).content.decode()
    assert '<h2 class="h4 mb-0">November 2020</h2>' in text


@pytest.mark.parametrize(
    ("asked", "message"),
    [("2020-13", "Give a month as YYYY-MM"), ("11/2020", "Give a month as YYYY-MM")],
)
def test_overview_says_what_is_wrong_with_a_bad_month(client_for, asked, message):
    IssueFactory(identified_at=datetime(2020, 11, 3, 9, tzinfo=LONDON), impact=1, financial=1)
    text = client_for(COMMITTEE_MEMBER).get(reverse("issues:index"), {"month": asked})
    text = text.content.decode()
    assert f"“{asked}”: {message}" in text and "This field is required" not in text
    assert "Showing November 2020" in text


def test_a_register_filter_says_what_is_wrong_with_a_bad_month(client_for):
    page = client_for(CUSTOMER_OPS).get(reverse("issues:issue_list"), {"month": "11/2020"})
    text = page.content.decode()
    assert "Give a month as YYYY-MM, e.g. 2020-11." in text
    assert "This field is required" not in text


def test_issue_csv_streams_every_filtered_row_in_order_across_chunks(client_for, monkeypatch):
    from issues.views import IssueListView

    monkeypatch.setattr(IssueListView, "csv_chunk_size", 2)
    at = datetime(2021, 6, 14, 10, tzinfo=LONDON)
    made = [
        IssueFactory(impact=3, financial=3, identified_at=at + timedelta(hours=n)) for n in range(5)
    ]
    IssueFactory(impact=1, financial=1, identified_at=at)  # Low: filtered out
    response = client_for(CUSTOMER_OPS).get(
        reverse("issues:issue_list"), {"band": "High", "_export": "csv"}
    )
    assert response.streaming
    lines = response.getvalue().decode().splitlines()
    assert lines[0].startswith("Reference,")
    assert [line.split(",")[0] for line in lines[1:]] == [i.reference for i in reversed(made)]


# --- One-click actions: breach clocks and an issue's required actions ----------------------


def _due_next(response) -> str:
    html = response.content.decode()
    return html.split('data-testid="due-next"')[1].split("</section>")[0]


def test_the_breach_page_leads_with_what_is_due_and_its_one_click_actions(client_for):
    breach = BreachFactory(severity="high")
    ops = client_for(CUSTOMER_OPS).get(reverse("issues:breach_detail", args=[breach.pk]))
    lead = _due_next(ops)
    # The earlier clock first: notification (14:00) before resolution (16 Jun).
    assert lead.index("Notification") < lead.index("Resolution")
    assert "14 Jun 2021 14:00" in lead and "Overdue by" in lead
    assert "Record notification" in lead and "Record resolution" in lead
    assert f'name="version" value="{breach.version}"' in lead
    committee = client_for(COMMITTEE_MEMBER).get(reverse("issues:breach_detail", args=[breach.pk]))
    assert "Notification" in _due_next(committee)
    assert "Record notification" not in committee.content.decode()


def test_record_notification_in_one_click_then_a_second_click_is_refused(client_for):
    breach = BreachFactory(severity="high")
    c = client_for(CUSTOMER_OPS)
    url = reverse("issues:breach_record_notification", args=[breach.pk])
    response = c.post(url, {"version": breach.version}, follow=True)
    breach.refresh_from_db()
    assert breach.notified_at is not None and breach.version == 2
    assert "Notification recorded: Missed by" in response.content.decode()
    lead = _due_next(response)
    assert "Record notification" not in lead and "Record resolution" in lead
    again = c.post(url, {"version": 1})
    assert again.status_code == 409
    assert "The notification was already recorded on" in again.content.decode()
    breach.refresh_from_db()
    assert breach.version == 2


def test_record_resolution_from_a_stale_page_is_refused_with_409(client_for):
    breach = BreachFactory(severity="high")
    services.breach_update(breach=breach, version=1, actions="Recalled the report.")
    response = client_for(CUSTOMER_OPS).post(
        reverse("issues:breach_record_resolution", args=[breach.pk]), {"version": 1}
    )
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    breach.refresh_from_db()
    assert breach.resolved_at is None


def test_a_low_breach_offers_no_notification_and_refuses_one(client_for):
    breach = BreachFactory(severity="low")
    c = client_for(CUSTOMER_OPS)
    lead = _due_next(c.get(reverse("issues:breach_detail", args=[breach.pk])))
    assert "Record notification" not in lead and "Record resolution" in lead
    response = c.post(
        reverse("issues:breach_record_notification", args=[breach.pk]), {"version": 1}
    )
    assert response.status_code == 409
    assert "A Low breach has no notification clock" in response.content.decode()


def test_when_both_clocks_are_done_the_page_says_nothing_is_due(client_for):
    breach = BreachFactory(severity="high")
    c = client_for(CUSTOMER_OPS)
    c.post(reverse("issues:breach_record_notification", args=[breach.pk]), {"version": 1})
    c.post(reverse("issues:breach_record_resolution", args=[breach.pk]), {"version": 2})
    lead = _due_next(c.get(reverse("issues:breach_detail", args=[breach.pk])))
    assert "Nothing is due" in lead and "Missed by" in lead and "Record" not in lead


def test_a_committee_member_cannot_record_a_breach_clock(client_for):
    breach = BreachFactory(severity="high")
    url = reverse("issues:breach_record_notification", args=[breach.pk])
    assert client_for(COMMITTEE_MEMBER).post(url, {"version": 1}).status_code == 403
    breach.refresh_from_db()
    assert breach.notified_at is None


def test_the_issue_page_leads_with_its_actions_due_and_records_one_in_one_click(client_for):
    issue = IssueFactory(impact=3, financial=3)
    first = issue.actions.order_by("due_at").first()
    c = client_for(CUSTOMER_OPS)
    lead = _due_next(c.get(reverse("issues:issue_detail", args=[issue.pk])))
    assert first.get_kind_display() in lead and "Record done now" in lead
    url = reverse("issues:action_done_now", args=[first.pk])
    response = c.post(url, follow=True)
    first.refresh_from_db()
    assert first.done_at is not None
    assert f"{first.get_kind_display()} recorded as done: Missed by" in response.content.decode()
    assert first.get_kind_display() not in _due_next(response)
    again = c.post(url)
    assert again.status_code == 409
    assert "was already recorded as done on" in again.content.decode()


@pytest.mark.parametrize("name", ["issues:register", "issues:issue_list"])
def test_the_register_csv_has_the_rows_the_table_exports(client_for, ops_user, name):
    """The CSV is read with values_list, not through the table: it still says what the table
    would (choices by label, customers by short name in name order, empty cells empty,
    moments in UTC, formulas neutralised, the table's order and filter)."""
    from django.test import RequestFactory

    from core.exports import TableExportMixin, csv_lines
    from issues.views import IssueListView, PublishedRegisterView

    zeta = OrganisationFactory(name="Zeta Gas", short_name="ZG")
    alpha = OrganisationFactory(name="Alpha Energy", short_name="")
    for n, (impact, financial) in enumerate([(3, 3), (1, 2), (None, None)]):
        IssueFactory(
            title=f"=Exported {n}",
            identified_at=datetime(2021, 6, 1 + n, 23, 30, tzinfo=LONDON),
            impact=impact,
            financial=financial,
            category=["aq_defect", "other", "process"][n],
            identified_by=["provider", "customer", "provider"][n],
            affected_customers=[zeta, alpha][: 2 - n],
        )
    IssueFactory(title="Another month", identified_at=datetime(2021, 7, 1, 9, tzinfo=LONDON))
    query = {"sort": "-score", "month": "2021-06", "_export": "csv"}
    got = client_for(CUSTOMER_OPS).get(reverse(name), query).getvalue().decode()

    # What django-tables2's own export of the same table says.
    view_class = {"issues:register": PublishedRegisterView, "issues:issue_list": IssueListView}
    request = RequestFactory().get("/", query)
    request.user = ops_user
    view = view_class[name]()
    view.setup(request)
    view.filterset = view.get_filterset(view.get_filterset_class())
    view.object_list = view.filterset.qs
    expected = "".join(csv_lines(TableExportMixin.export_rows(view)))
    assert got == expected
    assert got.count("\n") == 4  # the header and June's three
    assert "'=Exported 0" in got
    if name == "issues:issue_list":
        assert '"Alpha Energy, ZG"' in got


def test_the_overview_lists_the_months_breaches_and_issues_as_the_pack_does(client_for):
    # The overview printed the pack's section templates without their lists: a month with
    # breaches said "No breaches in the month." and the issue register listed nothing.
    at = datetime(2021, 6, 14, 10, tzinfo=LONDON)
    breach = BreachFactory(
        severity="high", identified_at=at, description="Report sent to the wrong party"
    )
    issue = IssueFactory(impact=3, financial=3, identified_at=at, title="Meter reads rejected")
    page = client_for(CUSTOMER_OPS).get(reverse("issues:index") + "?month=2021-06")
    html = page.content.decode()
    assert "No breaches in the month." not in html
    assert breach.reference in html and "Report sent to the wrong party" in html
    assert issue.reference in html and "Meter reads rejected" in html
    assert "attached to this pack" not in html


def test_the_issue_page_says_why_nothing_is_due(client_for):
    c = client_for(CUSTOMER_OPS)
    issue = IssueFactory(impact=3, financial=3)
    for action in issue.actions.all():
        c.post(reverse("issues:action_done_now", args=[action.pk]))
    lead = _due_next(c.get(reverse("issues:issue_detail", args=[issue.pk])))
    done = issue.actions.count()
    assert done and f"Nothing is due: every required action is done ({done}," in lead
    assert "Record done now" not in lead

    low = IssueFactory(impact=1, financial=1)
    assert not low.actions.exists()
    lead = _due_next(c.get(reverse("issues:issue_detail", args=[low.pk])))
    assert f"Nothing is due: a {low.band} issue has no required actions." in lead

    unscored = IssueFactory()
    lead = _due_next(c.get(reverse("issues:issue_detail", args=[unscored.pk])))
    assert "Nothing is due: the issue is not scored yet" in lead
