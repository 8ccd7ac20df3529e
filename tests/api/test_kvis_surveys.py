"""The KVI and survey API: endpoint × role, the rules' results, locked months and versions."""

from datetime import date
from decimal import Decimal

import pytest

from core.roles import ADMIN, COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA
from kvis import services as kvi_services
from kvis.selectors import kvi_suggestion
from kvis.tests.factories import KVIFactory, MeasureFactory
from surveys import selectors as survey_selectors
from surveys import services as survey_services
from surveys.models import Round
from surveys.tests.factories import CategoryFactory, CategoryScoreFactory, RoundFactory
from tests.api.conftest import CALLERS, refused_status

pytestmark = pytest.mark.django_db

READERS = {COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA, ADMIN}
KVI_WRITERS = {CUSTOMER_OPS, PAFA, ADMIN}
SURVEY_WRITERS = {CUSTOMER_OPS, ADMIN}
NOVEMBER = date(2020, 11, 1)


@pytest.fixture
def measure():
    return MeasureFactory(kvi=KVIFactory(code="KVI-07"), target_value=Decimal(95))


def _draft(measure, actual="96", **extra):
    return {
        "month": "2020-11",
        "last_update": "On track.",
        "results": [{"measure": measure.pk, "actual": actual}],
        **extra,
    }


@pytest.mark.parametrize("role", CALLERS)
def test_kvi_reads_are_for_readers_only(api_for, measure, role):
    client = api_for(role)
    for path in ["/api/kvis/", "/api/kvis/KVI-07/", "/api/kvis/KVI-07/updates/?month=2020-11"]:
        expected = 200 if role in READERS else refused_status(role)
        assert client.get(path).status_code == expected, path


@pytest.mark.parametrize("role", CALLERS)
def test_kvi_update_writes_are_for_owners_and_admin(api_for, measure, role):
    response = api_for(role).post("/api/kvis/KVI-07/updates/", _draft(measure), format="json")
    expected = 201 if role in KVI_WRITERS else refused_status(role)
    assert response.status_code == expected, response.content


def test_kvi_detail_lists_its_measures(api_for, measure):
    body = api_for(COMMITTEE_MEMBER).get("/api/kvis/KVI-07/").json()
    assert body["code"] == "KVI-07"
    assert [m["id"] for m in body["measures"]] == [measure.pk]
    assert body["measures"][0]["kind"] == "percentage"


def test_update_carries_suggested_and_reported_rag_and_explanation(api_for, measure):
    client = api_for(CUSTOMER_OPS)
    created = client.post(
        "/api/kvis/KVI-07/updates/",
        _draft(measure, actual="80", reported_rag="amber", justification="Recovering fast."),
        format="json",
    )
    assert created.status_code == 201, created.content
    suggestion, _ = kvi_suggestion(measure.kvi, NOVEMBER)
    listed = client.get("/api/kvis/KVI-07/updates/?month=2020-11").json()
    assert listed["count"] == 1
    body = listed["results"][0]
    assert body["month"] == "2020-11"
    assert (body["suggested_rag"], body["explanation"]) == (
        suggestion.rag.value,
        suggestion.explanation,
    )
    assert body["suggested_rag"] == "red"
    assert (body["reported_rag"], body["justification"]) == ("amber", "Recovering fast.")
    assert body["status"] == "draft"
    assert client.get("/api/kvis/KVI-07/updates/?month=2020-10").json()["count"] == 0


def test_override_without_justification_is_409_with_the_rule(api_for, measure):
    response = api_for(CUSTOMER_OPS).post(
        "/api/kvis/KVI-07/updates/", _draft(measure, reported_rag="red"), format="json"
    )
    assert response.status_code == 409
    assert response.json()["detail"] == kvi_services.OVERRIDE_NEEDS_JUSTIFICATION


def test_locked_month_is_409_and_nothing_changes(api_for, measure, admin_user_):
    client = api_for(CUSTOMER_OPS)
    first = client.post("/api/kvis/KVI-07/updates/", _draft(measure), format="json").json()
    kvi_services.period_lock(month=NOVEMBER, by=admin_user_)
    response = client.post(
        "/api/kvis/KVI-07/updates/",
        _draft(measure, last_update="Changed after issue", version=first["version"]),
        format="json",
    )
    assert response.status_code == 409
    assert "is locked" in response.json()["detail"]
    current = client.get("/api/kvis/KVI-07/updates/?month=2020-11").json()["results"][0]
    assert current["last_update"] == "On track."
    assert current["version"] == first["version"]


def test_second_save_needs_the_current_version(api_for, measure):
    client = api_for(CUSTOMER_OPS)
    first = client.post("/api/kvis/KVI-07/updates/", _draft(measure), format="json").json()
    # A second creation of the month (no version) is a refusal, never a blind overwrite.
    missing = client.post("/api/kvis/KVI-07/updates/", _draft(measure), format="json")
    assert missing.status_code == 409
    assert "you had version none" in missing.json()["detail"]
    stale = client.post(
        "/api/kvis/KVI-07/updates/", _draft(measure, version=first["version"] - 1), format="json"
    )
    assert stale.status_code == 409
    fresh = client.post(
        "/api/kvis/KVI-07/updates/",
        _draft(measure, last_update="Better"),
        format="json",
        HTTP_IF_MATCH=f'"{first["version"]}"',
    )
    assert fresh.status_code == 200, fresh.content
    assert fresh.json()["version"] == first["version"] + 1


def test_result_for_another_kvis_measure_is_400(api_for, measure):
    other = MeasureFactory()
    response = api_for(CUSTOMER_OPS).post("/api/kvis/KVI-07/updates/", _draft(other), format="json")
    assert response.status_code == 400
    assert "results" in response.json()


def test_unknown_kvi_is_404(api_for):
    assert api_for(PAFA).get("/api/kvis/NOPE/").status_code == 404


# --- Surveys --------------------------------------------------------------------------------


@pytest.fixture
def survey_rounds():
    earlier = RoundFactory(held_on=date(2020, 6, 1), target=Decimal(90))
    headline = CategoryFactory(survey=earlier.survey, name="Overall", is_headline=True)
    CategoryScoreFactory(round=earlier, category=headline, score=Decimal("85.0"))
    later = RoundFactory(survey=earlier.survey, held_on=date(2020, 11, 1), target=Decimal(90))
    CategoryScoreFactory(round=later, category=headline, score=Decimal("91.5"))
    return earlier, later


def _round(survey, **scores) -> dict:
    return {
        "survey": survey.key,
        "label": "Dec 2020",
        "held_on": "2020-12-01",
        "respondents": 12,
        "scores": [{"category": name, "score": score} for name, score in scores.items()],
    }


@pytest.mark.parametrize("role", CALLERS)
def test_rounds_read_by_readers_only(api_for, survey_rounds, role):
    expected = 200 if role in READERS else refused_status(role)
    assert api_for(role).get("/api/surveys/rounds/").status_code == expected
    path = f"/api/surveys/rounds/{survey_rounds[0].pk}/"
    assert api_for(role).get(path).status_code == expected


def test_each_round_carries_rag_and_change_per_category(api_for, survey_rounds):
    earlier, later = survey_rounds
    body = api_for(COMMITTEE_MEMBER).get("/api/surveys/rounds/").json()
    assert [r["id"] for r in body["results"]] == [later.pk, earlier.pk]
    trend = survey_selectors.survey_trend(later.survey, as_of=date(2020, 12, 31))
    expected = {rr.round.pk: rr.categories[0] for rr in trend.rounds}
    for row in body["results"]:
        category = row["categories"][0]
        assert category["rag"] == expected[row["id"]].rag.rag.value
    newest = body["results"][0]["categories"][0]
    assert (newest["category"], Decimal(str(newest["change"]))) == ("Overall", Decimal("6.5"))
    assert newest["direction"] == "up"
    assert newest["rag"] == "green"
    assert body["results"][1]["categories"][0]["change"] is None


@pytest.mark.parametrize("role", CALLERS)
def test_round_create_by_ops_and_admin_only(api_for, survey_rounds, role):
    survey = survey_rounds[0].survey
    response = api_for(role).post(
        "/api/surveys/rounds/", _round(survey, Overall="80.00"), format="json"
    )
    expected = 201 if role in SURVEY_WRITERS else refused_status(role)
    assert response.status_code == expected, response.content
    if expected == 201:
        category = response.json()["categories"][0]
        assert (category["direction"], category["rag"]) == ("down", "red")


def test_round_with_unknown_category_is_400_and_saves_nothing(api_for, survey_rounds):
    survey = survey_rounds[0].survey
    response = api_for(CUSTOMER_OPS).post(
        "/api/surveys/rounds/", _round(survey, Nope="80"), format="json"
    )
    assert response.status_code == 400
    assert "scores" in response.json()
    assert Round.objects.count() == 2


def test_round_without_headline_score_is_400(api_for, survey_rounds):
    survey = survey_rounds[0].survey
    CategoryFactory(survey=survey, name="Speed")
    response = api_for(CUSTOMER_OPS).post(
        "/api/surveys/rounds/", _round(survey, Speed="80"), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"scores": ["Enter the Overall score: the KVI's RAG follows it."]}


def test_a_round_that_exists_already_is_409_with_a_message(api_for, survey_rounds):
    # A conflict with the data, not bad input (issue #14): the same label, or the same day.
    earlier, _ = survey_rounds
    client = api_for(CUSTOMER_OPS)
    same_label = {**_round(earlier.survey, Overall="80"), "label": earlier.label}
    response = client.post("/api/surveys/rounds/", same_label, format="json")
    assert response.status_code == 409
    message = survey_services.ROUND_LABEL_TAKEN.format(
        survey=earlier.survey.name, label=earlier.label
    )
    assert response.json() == {"detail": message}
    same_day = {**_round(earlier.survey, Overall="80"), "held_on": "2020-06-01"}
    response = client.post("/api/surveys/rounds/", same_day, format="json")
    assert response.status_code == 409
    assert "already has a round held on 2020-06-01" in response.json()["detail"]
    assert Round.objects.count() == 2
