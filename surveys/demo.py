"""Demo data from the November 2020 KVI report (seed 001): the trust survey and change survey
rounds it quotes, earlier rounds that give its figures, and a few "You said, we did" items.

Dating: the report for November 2020 quotes 90.91 % as the *latest* trust score and says the
next update follows the December 2020 survey, so the round with 90.91 % closed in November 2020
("Nov 2020 survey"); the round before it (85.2 %) is dated June 2020. The change survey's
October round (8 customers, 100 %) follows April and July rounds chosen so that the KVI year
2020/21 to date, weighted by respondents, is exactly 98 %: (12 × 97.5 + 5 × 96 + 8 × 100) / 25.

Idempotent: rounds are looked up by survey and label; responses are imported only once.
"""

from datetime import date
from decimal import Decimal

from django.apps import apps
from django.db import transaction

from core.models import Organisation
from surveys import services
from surveys.models import Round, Survey, SurveySettings, YouSaidWeDid
from surveys.standard import CHANGE, TRUST, create_standard_surveys

#: survey, label, held_on, period, respondents, {category: score}, source
ENTERED_ROUNDS = [
    (
        TRUST,
        "Jun 2020 survey",
        date(2020, 6, 26),
        (date(2020, 1, 1), date(2020, 6, 30)),
        12,
        {
            "Overall trust": "85.2",
            "Strategic decisions": "86.6",
            "Operational services": "77",
            "Customer first": "95.1",
        },
        "Trust survey report, June 2020",
    ),
    (
        CHANGE,
        "Jan 2020 survey",
        date(2020, 1, 31),
        (date(2019, 10, 1), date(2019, 12, 31)),
        9,
        {"Change score": "88.89"},
        "Change survey, January 2020",
    ),
    (
        CHANGE,
        "Apr 2020 survey",
        date(2020, 4, 30),
        (date(2020, 1, 1), date(2020, 3, 31)),
        12,
        {"Change score": "97.5"},
        "Change survey, April 2020",
    ),
    (
        CHANGE,
        "Jul 2020 survey",
        date(2020, 7, 31),
        (date(2020, 4, 1), date(2020, 6, 30)),
        5,
        {"Change score": "96"},
        "Change survey, July 2020",
    ),
    (
        CHANGE,
        "Oct 2020 survey",
        date(2020, 10, 30),
        (date(2020, 7, 1), date(2020, 9, 30)),
        8,
        {"Change score": "100"},
        "Change survey, October 2020: 8 customers from across all constituencies",
    ),
]

#: The November 2020 trust round is computed from responses: 11 respondents, 3 questions per
#: category, answers 1–5 with 4 and above favourable. These answers are unfavourable; the rest
#: are 4 or 5. Strategic 31/33 = 93.94 %, operational 29/33 = 87.88 %, customer first
#: 30/33 = 90.91 %, overall (every answer) 90/99 = 90.91 %.
NOV_UNFAVOURABLE = {
    ("R03", "S2"): 3,
    ("R07", "S1"): 2,
    ("R02", "O3"): 3,
    ("R05", "O1"): 2,
    ("R09", "O2"): 3,
    ("R11", "O3"): 3,
    ("R04", "C2"): 3,
    ("R08", "C3"): 2,
    ("R10", "C1"): 3,
}
NOV_CODES = ["S1", "S2", "S3", "O1", "O2", "O3", "C1", "C2", "C3"]
CUSTOMERS = ["NGS", "SES", "EDN", "WDN", "NGGT", "IPL"]

#: raised_on, source, (survey, round label) or None, customer, you said, we did, owner,
#: status, outcome
FEEDBACK = [
    (
        date(2020, 2, 12),
        "survey",
        (CHANGE, "Jan 2020 survey"),
        "EDN",
        "We want earlier sight of change designs before they go to the change committee.",
        "Design documents are now shared with customers two weeks before committee.",
        "Change team",
        "done",
        "Customers commented on designs in time for the March committee.",
    ),
    (
        date(2020, 11, 5),
        "survey",
        (CHANGE, "Oct 2020 survey"),
        "NGS",
        "The Release pages of the website are hard to find your way around.",
        "We reorganised the Release pages by release and added a change calendar.",
        "Change team",
        "done",
        "Positive feedback on the new pages at the December change meeting.",
    ),
    (
        date(2020, 11, 20),
        "survey",
        (TRUST, "Nov 2020 survey"),
        "SES",
        "Answers to our contacts take too long.",
        "Contact response timescales are tracked daily and reported monthly.",
        "Customer Ops",
        "in_progress",
        "",
    ),
    (
        date(2020, 12, 2),
        "meeting",
        None,
        "WDN",
        "The MPRN data shared for AQ defects does not contain all the information we need.",
        "The AQ Taskforce's process improvement adds the missing fields to the data set.",
        "AQ Taskforce",
        "in_progress",
        "",
    ),
]


def november_trust_csv() -> str:
    """The responses of the November 2020 trust round, as the CSV an import takes."""
    lines = ["respondent,organisation," + ",".join(NOV_CODES)]
    for n in range(1, 12):
        respondent = f"R{n:02d}"
        answers = [
            str(NOV_UNFAVOURABLE.get((respondent, code), 4 + (n + i) % 2))
            for i, code in enumerate(NOV_CODES)
        ]
        lines.append(f"{respondent},{CUSTOMERS[(n - 1) % len(CUSTOMERS)]}," + ",".join(answers))
    return "\n".join(lines) + "\n"


@transaction.atomic
def load(stdout=None) -> None:
    """Create the demo survey rounds, the imported November trust responses, and feedback."""
    if not SurveySettings.objects.exists():
        services.settings_create(amber_tolerance=Decimal("5"))
    create_standard_surveys(apps)
    for key, label, held_on, (start, end), respondents, scores, source in ENTERED_ROUNDS:
        survey = Survey.objects.get(key=key)
        if Round.objects.filter(survey=survey, label=label).exists():
            continue
        categories = {c.name: c for c in survey.categories.all()}
        services.round_create(
            survey=survey,
            label=label,
            held_on=held_on,
            period_start=start,
            period_end=end,
            respondents=respondents,
            source=source,
            scores={categories[name]: Decimal(value) for name, value in scores.items()},
        )
    trust = Survey.objects.get(key=TRUST)
    november, _ = Round.objects.get_or_create(
        survey=trust,
        label="Nov 2020 survey",
        defaults={
            "held_on": date(2020, 11, 13),
            "period_start": date(2020, 7, 1),
            "period_end": date(2020, 11, 13),
            "target": trust.default_target,
            "source": "Trust survey, November 2020 (responses imported from CSV)",
        },
    )
    if not november.responses.exists():
        services.round_import_responses(round=november, data=november_trust_csv())
    for raised_on, source, round_ref, customer, said, did, owner, status, outcome in FEEDBACK:
        if YouSaidWeDid.objects.filter(you_said=said).exists():
            continue
        round = (
            Round.objects.get(survey__key=round_ref[0], label=round_ref[1]) if round_ref else None
        )
        services.feedback_create(
            raised_on=raised_on,
            source=source,
            round=round,
            organisation=Organisation.objects.filter(short_name=customer).first(),
            you_said=said,
            we_did=did,
            owner=owner,
            status=status,
            outcome=outcome,
        )
