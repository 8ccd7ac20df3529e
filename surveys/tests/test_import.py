"""The CSV import of responses: a dry run first, every error named by row and column, and
nothing imported unless every row is valid."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.models import Organisation
from surveys import importers, services
from surveys.importers import RowError
from surveys.models import Answer, CategoryScore, Response, Round
from surveys.tests.factories import RoundFactory, survey_with_questions

pytestmark = pytest.mark.django_db

HEADER = "respondent,organisation,A1,A2,B1"


@pytest.fixture
def round_():
    survey = survey_with_questions()
    return RoundFactory(survey=survey, respondents=3, target=Decimal("95"))


def csv(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def errors(round_, text) -> list[RowError]:
    return importers.responses_preview(round=round_, data=text).errors


def test_valid_file_previews_scores_without_writing(round_):
    preview = services.round_import_responses(
        round=round_, data=csv("r1,,5,4,3", "r2,,4,2,5", "r3,,5,5,"), dry_run=True
    )
    assert preview.is_valid and not preview.imported
    scores = {c.name: s for c, s in preview.scores.items()}
    # A: 5,4 / 4,2 / 5,5 -> 5 of 6 favourable; B: 3 / 5 / (blank) -> 1 of 2;
    # the headline has no questions, so it counts every answer: 6 of 8.
    assert scores == {"A": Decimal("83.33"), "B": Decimal("50.00"), "Overall": Decimal("75.00")}
    assert Response.objects.count() == 0
    assert not CategoryScore.objects.filter(round=round_).exists()


def test_import_writes_responses_scores_and_respondents(round_, ops_user):
    preview = services.round_import_responses(
        round=round_, data=csv("r1,,5,4,3", "r2,,4,2,5"), user=ops_user
    )
    assert preview.imported
    round_.refresh_from_db()
    assert round_.respondents == 2
    assert round_.score_source == Round.ScoreSource.IMPORTED
    assert round_.version == 2
    assert Answer.objects.filter(response__round=round_).count() == 6
    assert Answer.history.filter(history_user=ops_user).count() == 6  # answers keep history
    scores = {s.category.name: s.score for s in round_.scores.all()}
    assert scores == {"A": Decimal("75.00"), "B": Decimal("50.00"), "Overall": Decimal("66.67")}
    assert round_.history.first().history_user == ops_user


def test_reimport_replaces_earlier_responses(round_):
    services.round_import_responses(round=round_, data=csv("r1,,5,4,3", "r2,,4,2,5"))
    preview = services.round_import_responses(round=round_, data=csv("r9,,5,5,5"))
    assert preview.replaces == 2
    assert list(Response.objects.filter(round=round_).values_list("respondent", flat=True)) == [
        "r9"
    ]
    assert {s.score for s in round_.scores.all()} == {Decimal("100.00")}


def test_headline_with_its_own_questions_counts_only_those():
    survey = survey_with_questions(headline_questions=1, categories=(("A", 1),))
    round_ = RoundFactory(survey=survey)
    preview = importers.responses_preview(round=round_, data="respondent,H1,A1\nr1,5,1\nr2,2,1\n")
    scores = {c.name: s for c, s in preview.scores.items()}
    assert scores == {"Overall": Decimal("50.00"), "A": Decimal("0.00")}


def test_organisation_by_short_name_or_name(round_):
    org = Organisation.objects.create(name="Northern Gas Supply Ltd", short_name="NGS")
    services.round_import_responses(
        round=round_, data=csv("r1,ngs,5,4,3", "r2,Northern Gas Supply Ltd,4,4,4")
    )
    assert set(Response.objects.values_list("organisation", flat=True)) == {org.pk}


@pytest.mark.parametrize("value", ["6", "0", "x", "4.5", "-1", "５"])
def test_bad_scale_value_is_named_with_row_and_column(round_, value):
    found = errors(round_, csv("r1,,5,4,3", f"r2,,4,{value},5"))
    assert found == [RowError(3, "A2", importers.ERR_BAD_SCALE.format(value=value, low=1, high=5))]
    assert str(found[0]).startswith("Row 3, column 'A2': Bad scale value")


def test_unknown_question_is_named_with_its_column(round_):
    found = errors(round_, csv("r1,,5,4,3,5", header=HEADER + ",Z9"))
    assert found == [
        RowError(1, "Z9", importers.ERR_UNKNOWN_QUESTION.format(column="Z9", survey=round_.survey))
    ]


@pytest.mark.parametrize(
    ("header", "missing"),
    [("respondent,A1,A2", "B1"), ("A1,A2,B1", "respondent"), ("respondent,A2", "A1")],
)
def test_missing_column_is_named(round_, header, missing):
    found = errors(round_, csv("r1,5,5,5", header=header))
    assert RowError(1, missing, importers.ERR_MISSING_COLUMN.format(column=missing)) in found


def test_duplicate_respondent_names_both_rows(round_):
    found = errors(round_, csv("r1,,5,4,3", "r2,,5,5,5", "R1,,4,4,4"))
    assert found == [
        RowError(4, "respondent", importers.ERR_DUPLICATE_RESPONDENT.format(value="R1", first=2))
    ]


def test_every_error_is_reported_and_nothing_is_imported(round_):
    text = csv("r1,,5,9,3", ",,4,4,4", "r1,Nowhere Ltd,4,4,4", "r4,,1,2,3,4")
    preview = services.round_import_responses(round=round_, data=text)
    assert not preview.imported
    assert [(e.row, e.column) for e in preview.errors] == [
        (2, "A2"),
        (3, "respondent"),
        (4, "respondent"),
        (4, "organisation"),
        (5, ""),
    ]
    assert preview.errors[3].message == importers.ERR_UNKNOWN_ORGANISATION.format(
        value="Nowhere Ltd"
    )
    assert preview.errors[4].message == importers.ERR_EXTRA_FIELDS
    assert Response.objects.count() == 0
    round_.refresh_from_db()
    assert round_.version == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe\x00", importers.ERR_NOT_UTF8),
        ("", importers.ERR_EMPTY_FILE),
        (HEADER + "\n", importers.ERR_NO_ROWS),
        (HEADER + "\n\n,,,,\n", importers.ERR_NO_ROWS),
    ],
)
def test_unreadable_or_empty_files_say_so(round_, data, message):
    assert [e.message for e in errors(round_, data)] == [message]


def test_excel_bom_and_blank_trailing_lines_are_accepted(round_):
    preview = importers.responses_preview(
        round=round_, data=("\ufeff" + csv("r1,,5,4,3") + "\n\n").encode()
    )
    assert preview.is_valid and len(preview.rows) == 1


def test_command_dry_run_writes_nothing(round_, tmp_path):
    path = tmp_path / "responses.csv"
    path.write_text(csv("r1,,5,4,3", "r2,,4,2,5"))
    out = StringIO()
    call_command("import_survey_responses", str(round_.pk), str(path), "--dry-run", stdout=out)
    assert "Would import 2 responses" in out.getvalue()
    assert "A: 75 %" in out.getvalue()
    assert Response.objects.count() == 0
    call_command("import_survey_responses", str(round_.pk), str(path), stdout=StringIO())
    assert Response.objects.count() == 2


def test_command_lists_errors_and_fails(round_, tmp_path):
    path = tmp_path / "responses.csv"
    path.write_text(csv("r1,,5,7,3"))
    err = StringIO()
    with pytest.raises(CommandError, match=r"Nothing was imported: the file has 1 error"):
        call_command("import_survey_responses", str(round_.pk), str(path), stderr=err)
    assert "Row 2, column 'A2': Bad scale value: '7'" in err.getvalue()
    assert Response.objects.count() == 0


def test_command_names_a_missing_round_or_file(round_, tmp_path):
    with pytest.raises(CommandError, match="No survey round has id 999999"):
        call_command("import_survey_responses", "999999", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_survey_responses", str(round_.pk), str(tmp_path / "x.csv"))
