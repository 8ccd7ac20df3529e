"""Demo data from the November 2020 KVI report (seed 001): the trust survey and change survey
rounds it quotes, earlier rounds that give its figures, and a few "You said, we did" items. The
records are in `demo_data/*.json`; this module loads them through the services.

Dating: the report for November 2020 quotes 90.91 % as the *latest* trust score and says the
next update follows the December 2020 survey, so the round with 90.91 % closed in November 2020
("Nov 2020 survey"); the round before it (85.2 %) is dated June 2020. The change survey's
October round (8 customers, 100 %) follows April and July rounds chosen so that the KVI year
2020/21 to date, weighted by respondents, is exactly 98 %: (12 × 97.5 + 5 × 96 + 8 × 100) / 25.

The November 2020 trust round is computed from responses (`november_trust.json`): 11
respondents, 3 questions per category, answers 1–5 with 4 and above favourable. The listed
answers are unfavourable; the rest are 4 or 5. Strategic 31/33 = 93.94 %, operational 29/33 =
87.88 %, customer first 30/33 = 90.91 %, overall (every answer) 90/99 = 90.91 %.

Idempotent: rounds are looked up by survey and label; responses are imported only once.
"""

import json
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.apps import apps
from django.db import transaction

from core.models import Organisation
from surveys import services
from surveys.models import Round, Survey, SurveySettings, YouSaidWeDid
from surveys.standard import create_standard_surveys

DATA = Path(__file__).parent / "demo_data"


@cache
def _data(name: str):
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def november_trust_csv() -> str:
    """The responses of the November 2020 trust round, as the CSV an import takes."""
    nov = _data("november_trust")
    codes, customers = nov["codes"], nov["customers"]
    unfavourable = {(u["respondent"], u["question"]): u["answer"] for u in nov["unfavourable"]}
    lines = ["respondent,organisation," + ",".join(codes)]
    for n in range(1, nov["respondents"] + 1):
        respondent = f"R{n:02d}"
        answers = [
            str(unfavourable.get((respondent, code), 4 + (n + i) % 2))
            for i, code in enumerate(codes)
        ]
        lines.append(f"{respondent},{customers[(n - 1) % len(customers)]}," + ",".join(answers))
    return "\n".join(lines) + "\n"


def _entered_rounds() -> None:
    for row in _data("rounds"):
        survey = Survey.objects.get(key=row["survey"])
        if Round.objects.filter(survey=survey, label=row["label"]).exists():
            continue
        categories = {c.name: c for c in survey.categories.all()}
        services.round_create(
            survey=survey,
            label=row["label"],
            held_on=_day(row["held_on"]),
            period_start=_day(row["period_start"]),
            period_end=_day(row["period_end"]),
            respondents=row["respondents"],
            source=row["source"],
            scores={categories[name]: Decimal(value) for name, value in row["scores"].items()},
        )


def _november_round() -> None:
    spec = _data("november_trust")["round"]
    survey = Survey.objects.get(key=spec["survey"])
    november, _ = Round.objects.get_or_create(
        survey=survey,
        label=spec["label"],
        defaults={
            "held_on": _day(spec["held_on"]),
            "period_start": _day(spec["period_start"]),
            "period_end": _day(spec["period_end"]),
            "target": survey.default_target,
            "source": spec["source"],
        },
    )
    if not november.responses.exists():
        services.round_import_responses(round=november, data=november_trust_csv())


def _feedback() -> None:
    for row in _data("feedback"):
        if YouSaidWeDid.objects.filter(you_said=row["you_said"]).exists():
            continue
        ref = row["round"]
        services.feedback_create(
            raised_on=_day(row["raised_on"]),
            source=row["source"],
            round=Round.objects.get(survey__key=ref["survey"], label=ref["label"]) if ref else None,
            organisation=Organisation.objects.filter(short_name=row["customer"]).first(),
            you_said=row["you_said"],
            we_did=row["we_did"],
            owner=row["owner"],
            status=row["status"],
            outcome=row["outcome"],
        )


@transaction.atomic
def load(stdout=None) -> None:
    """Create the demo survey rounds, the imported November trust responses, and feedback."""
    if not SurveySettings.objects.exists():
        services.settings_create(amber_tolerance=Decimal("5"))
    create_standard_surveys(apps)
    _entered_rounds()
    _november_round()
    _feedback()
