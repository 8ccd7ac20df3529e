"""The pages: who may see and change what, the round form, the import preview, the feedback log."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core import demo as core_demo
from core.errors import STALE_VERSION
from core.roles import ADMIN, COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA
from surveys import demo, services
from surveys.models import Response, Round, Survey, YouSaidWeDid
from surveys.standard import TRUST
from surveys.tests.factories import YouSaidWeDidFactory

pytestmark = pytest.mark.django_db

READERS = [COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA, ADMIN]
WRITERS = {CUSTOMER_OPS, ADMIN}


@pytest.fixture
def seeded():
    core_demo.load()
    demo.load()


@pytest.fixture
def nov(seeded):
    return Round.objects.get(label="Nov 2020 survey")


def read_urls(nov):
    return [
        reverse("surveys:index"),
        reverse("surveys:chart", args=[TRUST]),
        reverse("surveys:round_detail", args=[nov.pk]),
        reverse("surveys:feedback_list"),
    ]


def write_urls(nov):
    item = YouSaidWeDid.objects.first()
    return [
        reverse("surveys:round_create", args=[TRUST]),
        reverse("surveys:round_update", args=[nov.pk]),
        reverse("surveys:round_import", args=[nov.pk]),
        reverse("surveys:feedback_create"),
        reverse("surveys:feedback_update", args=[item.pk]),
    ]


@pytest.mark.parametrize("role", READERS)
def test_every_role_reads(client_for, nov, role):
    for url in read_urls(nov):
        assert client_for(role).get(url).status_code == 200, url


@pytest.mark.parametrize("role", READERS)
def test_only_customer_ops_and_admin_write(client_for, nov, role):
    expected = 200 if role in WRITERS else 403
    for url in write_urls(nov):
        assert client_for(role).get(url).status_code == expected, url
        if role not in WRITERS:
            assert client_for(role).post(url, {}).status_code == 403, url


def test_user_without_a_role_reads_nothing(client_for, nov):
    for url in read_urls(nov) + write_urls(nov):
        assert client_for("none").get(url).status_code == 403, url


def test_overview_shows_seed_figures_arrows_and_weighting(client_for, seeded):
    html = client_for(COMMITTEE_MEMBER).get(reverse("surveys:index")).content.decode()
    for text in [
        "Nov 2020 survey",
        "90.91 %",
        "up from 85.2 %",
        "93.94 %",
        "up from 86.6 %",
        "87.88 %",
        "up from 77 %",
        "down from 95.1 %",
        "Year to date (2020/21): 98 %",
        "weighted by respondents",
        "Oct 2020 survey",
        'class="rag rag-amber"',
        "vendor/chartjs/chart.umd.min.js",
    ]:
        assert text in html, text
    assert "▲" in html and "▼" in html
    assert "Add a round" not in html  # committee members read only


def test_create_round_with_entered_scores(client_for, seeded):
    trust = Survey.objects.get(key=TRUST)
    fields = {
        f"score_{c.pk}": v
        for c, v in zip(trust.categories.all(), ["96", "97", "", "98"], strict=True)
    }
    response = client_for(CUSTOMER_OPS).post(
        reverse("surveys:round_create", args=[TRUST]),
        {
            "label": "Dec 2020 survey",
            "held_on": "2020-12-11",
            "respondents": 9,
            "target": "95",
            **fields,
        },
    )
    round_ = Round.objects.get(label="Dec 2020 survey")
    assert response["Location"] == reverse("surveys:round_detail", args=[round_.pk])
    assert {s.category.name: s.score for s in round_.scores.all()} == {
        "Overall trust": Decimal("96"),
        "Strategic decisions": Decimal("97"),
        "Customer first": Decimal("98"),
    }
    page = client_for(COMMITTEE_MEMBER).get(response["Location"]).content.decode()
    assert "up from 90.91 %" in page and "up from 93.94 %" in page


def test_round_form_names_what_is_wrong(client_for, seeded):
    trust = Survey.objects.get(key=TRUST)
    headline = trust.categories.get(is_headline=True)
    response = client_for(CUSTOMER_OPS).post(
        reverse("surveys:round_create", args=[TRUST]),
        {
            "label": "Bad",
            "held_on": "2020-12-11",
            "respondents": 0,
            "target": "101",
            f"score_{headline.pk}": "100.5",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"respondents", "target", f"score_{headline.pk}"}
    assert not Round.objects.filter(label="Bad").exists()


def test_stale_round_edit_is_refused(client_for, nov):
    url = reverse("surveys:round_update", args=[nov.pk])
    data = client_for(CUSTOMER_OPS).get(url).context["form"].initial
    data = {k: ("" if v is None else v) for k, v in data.items()}
    ok = client_for(CUSTOMER_OPS).post(url, {**data, "source": "first edit"})
    assert ok.status_code == 302
    stale = client_for(ADMIN).post(url, {**data, "source": "second edit"})
    assert stale.status_code == 409
    html = stale.content.decode()
    assert STALE_VERSION.format(yours=2, theirs=3).replace("'", "&#x27;") in html
    assert "first edit" in html  # the current value, shown beside the typed "second edit"
    assert 'value="second edit"' in html
    nov.refresh_from_db()
    assert (nov.source, nov.version, nov.score_source) == ("first edit", 3, "entered")


def test_import_preview_then_import(client_for, nov):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_for(CUSTOMER_OPS)
    url = reverse("surveys:round_import", args=[nov.pk])
    text = demo.november_trust_csv().replace("R02,SES,4,5", "R02,SES,4,7")
    bad = c.post(url, {"file": SimpleUploadedFile("r.csv", text.encode()), "preview": "1"})
    html = bad.content.decode()
    assert "Nothing was imported: 1 error" in html
    assert "<td>3</td><td>S2</td><td>Bad scale value: &#x27;7&#x27;" in html
    good_text = "\n".join(demo.november_trust_csv().splitlines()[:4]) + "\n"
    preview = c.post(url, {"file": SimpleUploadedFile("r.csv", good_text.encode())})
    assert preview.context["confirm"] and "replaces the round's 11 earlier" in (
        preview.content.decode()
    )
    assert Response.objects.filter(round=nov).count() == 11  # the preview wrote nothing
    done = c.post(url, {"csv_text": preview.context["form"].initial["csv_text"], "import": "1"})
    assert done.status_code == 302
    assert Response.objects.filter(round=nov).count() == 3


def test_import_without_a_file_says_so(client_for, nov):
    response = client_for(CUSTOMER_OPS).post(reverse("surveys:round_import", args=[nov.pk]), {})
    assert "Choose a CSV file to preview." in response.content.decode()


def test_feedback_is_listed_per_kvi_year_latest_first(client_for, seeded):
    c = client_for(PAFA)
    page = c.get(reverse("surveys:feedback_list"))
    rows = list(page.context["table"].rows)
    assert len(rows) == 3  # 2020/21 by default; the February 2020 item is 2019/20
    assert "Release pages" in page.content.decode()
    assert "/edit/" not in page.content.decode()  # PAFA reads only
    assert (
        "/edit/" in client_for(CUSTOMER_OPS).get(reverse("surveys:feedback_list")).content.decode()
    )
    older = c.get(reverse("surveys:feedback_list"), {"kvi_year": "2019"})
    assert [r.record.raised_on for r in older.context["table"].rows] == [date(2020, 2, 12)]
    export = c.get(reverse("surveys:feedback_list"), {"kvi_year": "2020", "_export": "csv"})
    assert export["Content-Type"].startswith("text/csv")
    assert export.content.decode().count("\n") == 4  # header and three items


def test_feedback_create_and_stale_edit(client_for, seeded):
    c = client_for(CUSTOMER_OPS)
    data = {
        "raised_on": "2021-01-15",
        "source": "meeting",
        "you_said": "Too many emails.",
        "owner": "Comms",
        "status": "open",
    }
    assert c.post(reverse("surveys:feedback_create"), data).status_code == 302
    item = YouSaidWeDid.objects.get(you_said="Too many emails.")
    url = reverse("surveys:feedback_update", args=[item.pk])
    done = {**data, "status": "done", "we_did": "One weekly digest.", "version": 1}
    assert c.post(url, done).status_code == 302
    stale = client_for(ADMIN).post(url, {**done, "outcome": "x"})
    assert stale.status_code == 409
    assert STALE_VERSION.format(yours=1, theirs=2).replace("'", "&#x27;") in (
        stale.content.decode()
    )
    assert stale.context["conflict_current"]["we_did"] == "One weekly digest."
    assert YouSaidWeDid.objects.get(pk=item.pk).outcome == ""


def test_feedback_rules_are_explained(client_for, nov):
    response = client_for(CUSTOMER_OPS).post(
        reverse("surveys:feedback_create"),
        {
            "raised_on": "2021-01-15",
            "source": "meeting",
            "round": nov.pk,
            "you_said": "x",
            "owner": "y",
            "status": "done",
        },
    )
    errors = response.context["form"].errors
    assert errors["round"] == ["Feedback from a meeting has no survey round."]
    assert errors["we_did"] == ["Say what was done before marking it done."]


def test_feedback_update_service_refuses_unknown_fields():
    item = YouSaidWeDidFactory()
    with pytest.raises(TypeError):
        services.feedback_update(item=item, version=1, reference=5)


def test_overview_as_at_an_earlier_month(client_for, seeded):
    c = client_for(COMMITTEE_MEMBER)
    october = c.get(reverse("surveys:index"), {"month": "2020-10"})
    assert october.context["as_of"] == date(2020, 10, 31)
    latest = {t.survey.key: t.latest.round.label for t in october.context["trends"]}
    assert latest == {"trust": "Jun 2020 survey", "change": "Oct 2020 survey"}
    bad = c.get(reverse("surveys:index"), {"month": "Nov"})
    assert "Give the month as YYYY-MM" in bad.content.decode()
    assert bad.context["as_of"] == timezone.localdate()
