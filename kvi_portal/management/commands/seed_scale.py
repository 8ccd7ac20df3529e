"""`manage.py seed_scale`: fill a database with a large, consistent data set for `make bench`.

It builds on the demo data (loaded first; idempotent) and adds, over `--months` months ending
at `--end`: `--kvis` KVIs with measures, results and an approved update every month;
`--issues` scored issues with their scorings, required actions and customers; `--breaches`
breaches with both clocks; communications; quarterly survey rounds; and `--plans`
improvement plans. Computed fields come from each app's rules (score and band, action and
breach clocks, suggested RAG); the big tables go in with `bulk_create_with_history`, so the
audit trail has a "created" row for every record.

Idempotent per arguments: each record has a stable name (KVI code, issue title …); a run
creates only what is missing, so a second run with the same arguments changes nothing.
"""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from simple_history.utils import bulk_create_with_history

from core import calendar
from core.calendar import add_months, months_ending
from core.models import Committee, Organisation
from issues import rules as issue_rules
from issues import selectors as issue_selectors
from issues.models import (
    Breach,
    Category,
    Communication,
    CommunicationKind,
    IdentifiedBy,
    Issue,
    IssueAction,
    IssueScoring,
    IssueStatus,
    Severity,
)
from kvis import selectors as kvi_selectors
from kvis.models import (
    KVI,
    Direction,
    KVIUpdate,
    Measure,
    MeasureKind,
    MeasureResult,
    UpdateStatus,
)
from performance_plans import services as plan_services
from performance_plans.models import Plan, RootCauseChoices
from surveys import services as survey_services
from surveys.models import Round, Survey

BATCH = 2000
KVI_PREFIX = "SCALE-"
ISSUE_TITLE = "Scale issue {n:06d}"
BREACH_TEXT = "Scale breach {n:06d}: a report sent to the wrong recipient."
COMM_SUBJECT = "Scale communication {n:06d}"
PLAN_TITLE = "Scale plan {n:04d}"
REASON = "seed_scale"
SEVERITY_WEIGHTS = {Severity.LOW: 60, Severity.MEDIUM: 25, Severity.HIGH: 12, Severity.CRITICAL: 3}


def _month(text: str) -> date:
    try:
        year, month = map(int, text.split("-"))
        return date(year, month, 1)
    except ValueError as error:
        raise CommandError(f"--end must be a month like 2020-11, not {text!r}.") from error


def _moment(rng: random.Random, month: date) -> datetime:
    """A working-hours moment in `month`, Europe/London."""
    return datetime(
        month.year,
        month.month,
        rng.randint(1, 28),
        rng.randint(8, 17),
        rng.randint(0, 59),
        tzinfo=calendar.LONDON,
    )


def _chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Command(BaseCommand):
    help = "Fill the database with a large consistent data set (idempotent per arguments)."

    def add_arguments(self, parser):
        parser.add_argument("--kvis", type=int, default=50)
        parser.add_argument("--months", type=int, default=60)
        parser.add_argument("--issues", type=int, default=100_000)
        parser.add_argument("--breaches", type=int, default=10_000)
        parser.add_argument("--plans", type=int, default=200)
        parser.add_argument("--comms-per-month", type=int, default=20)
        parser.add_argument(
            "--end",
            type=_month,
            default=date(2020, 11, 1),
            help="The last month, YYYY-MM (default: the demo's 2020-11).",
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        call_command("load_demo", stdout=StringIO())
        self.months = months_ending(options["end"], options["months"])
        User = get_user_model()
        self.ops = User.objects.get(username="ops")
        self.admin = User.objects.get(username="admin")
        self.pafa = User.objects.get(username="pafa")
        self.customers = list(Organisation.objects.filter(is_customer=True).order_by("pk"))
        years = range(self.months[0].year, self.months[-1].year + 2)
        self.closed = calendar.closed_days(years)
        steps = [
            ("KVIs, results and updates", self.seed_kvis, options["kvis"]),
            ("issues", self.seed_issues, options["issues"]),
            ("breaches", self.seed_breaches, options["breaches"]),
            ("communications", self.seed_communications, options["comms_per_month"]),
            ("survey rounds", self.seed_surveys, None),
            ("plans", self.seed_plans, options["plans"]),
        ]
        for label, step, count in steps:
            t = time.perf_counter()
            with transaction.atomic():
                created = step(count) if count is not None else step()
            self.stdout.write(f"{label}: {created} created in {time.perf_counter() - t:.1f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh planner statistics after the bulk inserts
        self.stdout.write(f"seed_scale done in {time.perf_counter() - started:.1f} s")

    # --- KVIs -------------------------------------------------------------------------------

    def seed_kvis(self, count: int) -> int:
        comc, pac = Committee.objects.get(code="CoMC"), Committee.objects.get(code="PAC")
        for n in range(count):
            kvi, new = KVI.objects.get_or_create(
                code=f"{KVI_PREFIX}{n:03d}",
                defaults={
                    "title": f"Scaled KVI {n}",
                    "description": "A KVI of the scale data set.",
                    "active_from": self.months[0],
                    "display_order": 1000 + n,
                    "owner": self.ops,
                },
            )
            if new:
                kvi.committees.set([comc] if n % 3 else [comc, pac])
                Measure.objects.create(
                    kvi=kvi,
                    position=1,
                    name="Delivered on time",
                    kind=MeasureKind.PERCENTAGE,
                    target_value=Decimal(95),
                )
                if n % 5 == 0:
                    Measure.objects.create(
                        kvi=kvi,
                        position=2,
                        name="Complaints",
                        kind=MeasureKind.COUNT,
                        target_value=Decimal(3),
                        direction=Direction.LOWER,
                    )
        kvis = list(
            KVI.objects.filter(code__startswith=KVI_PREFIX)
            .order_by("code")
            .prefetch_related("measures")[:count]
        )
        done = set(
            KVIUpdate.objects.filter(kvi__in=kvis, month__in=self.months).values_list(
                "kvi_id", "month"
            )
        )
        results, updates = [], []
        for kvi in kvis:
            rng = random.Random(kvi.code)
            for month in self.months:
                if (kvi.id, month) in done:
                    continue
                month_results = {}
                for measure in kvi.measures.all():
                    if measure.kind == MeasureKind.PERCENTAGE:
                        actual = Decimal(rng.randint(850, 1000)) / 10
                    else:
                        actual = Decimal(rng.randint(0, 6))
                    result = MeasureResult(measure=measure, month=month, actual=actual)
                    result._history_user = self.ops
                    month_results[measure.id] = result
                    results.append(result)
                suggestion, settings = kvi_selectors.kvi_suggestion(kvi, month, month_results)
                approved_at = datetime(
                    add_months(month, 1).year,
                    add_months(month, 1).month,
                    10,
                    12,
                    tzinfo=calendar.LONDON,
                )
                update = KVIUpdate(
                    kvi=kvi,
                    month=month,
                    status=UpdateStatus.APPROVED,
                    figures="; ".join(str(r.actual) for r in month_results.values()),
                    last_update="Delivered as planned.",
                    next_update="Next CoMC",
                    suggested_rag=suggestion.rag.value,
                    suggestion_explanation=suggestion.explanation,
                    rag_settings_version=settings.version,
                    reported_rag=suggestion.rag.value,
                    created_by=self.ops,
                    submitted_by=self.ops,
                    submitted_at=approved_at,
                    approved_by=self.admin,
                    approved_at=approved_at,
                    version=3,
                )
                update._history_user, update._history_date = self.admin, approved_at
                updates.append(update)
        bulk_create_with_history(
            results, MeasureResult, batch_size=BATCH, default_change_reason=REASON
        )
        bulk_create_with_history(updates, KVIUpdate, batch_size=BATCH, default_change_reason=REASON)
        return len(updates)

    # --- Issues -----------------------------------------------------------------------------

    def _next_numbers(self, model, prefix: str) -> dict[int, int]:
        """The next free reference number per year, e.g. {2020: 1234}."""
        numbers: dict[int, int] = {}
        for ref in model.objects.filter(reference__startswith=f"{prefix}-").values_list(
            "reference", flat=True
        ):
            _, year, number = ref.split("-")
            numbers[int(year)] = max(numbers.get(int(year), 1), int(number) + 1)
        return numbers

    def _reference(self, numbers: dict[int, int], prefix: str, moment: datetime) -> str:
        year = calendar.local_day(moment).year
        number = numbers.get(year, 1)
        numbers[year] = number + 1
        return f"{prefix}-{year}-{number:04d}"

    def _missing(self, model, field: str, template: str, count: int) -> list[int]:
        have = set(
            model.objects.filter(**{f"{field}__startswith": template.split("{")[0]}).values_list(
                field, flat=True
            )
        )
        return [n for n in range(count) if template.format(n=n) not in have]

    def seed_issues(self, count: int) -> int:
        todo = self._missing(Issue, "title", ISSUE_TITLE, count)
        matrix = issue_selectors.matrix_current()
        bands = matrix.band_rules()
        numbers = self._next_numbers(Issue, "ISS")
        recent = set(self.months[-3:])
        issues, scorings, actions = [], [], []
        for n in todo:
            rng = random.Random(n)
            month = self.months[n % len(self.months)]
            at = _moment(rng, month)
            issue = Issue(
                reference=self._reference(numbers, "ISS", at),
                title=ISSUE_TITLE.format(n=n),
                description="An issue of the scale data set.",
                category=rng.choice(Category.values),
                identified_by=rng.choice(IdentifiedBy.values),
                identified_at=at,
                mprns_affected=rng.randint(0, 500),
                owner=self.ops,
                created_at=at,
            )
            issue._history_user, issue._history_date = self.ops, at
            scored = month not in recent or rng.random() < 0.9
            band = None
            if scored:
                issue.impact, issue.financial = rng.randint(1, 3), rng.randint(1, 3)
                issue.score = issue_rules.issue_score(issue.impact, issue.financial)
                band = issue_rules.band_for(issue.score, bands)
                issue.band, issue.matrix_version = band.name, matrix.version
            if scored and month not in recent:
                issue.resolved_at = at + timedelta(days=rng.randint(1, 40))
                if rng.random() < 0.8:
                    issue.status, issue.closed_at = IssueStatus.CLOSED, issue.resolved_at
                else:
                    issue.status = IssueStatus.RESOLVED
            elif scored and rng.random() < 0.3:
                issue.status = IssueStatus.PLAN_AGREED
            issues.append(issue)
            if band is not None:
                scorings.append((issue, band))
        for chunk in _chunks(issues):
            bulk_create_with_history(chunk, Issue, default_change_reason=REASON)
        for issue, band in scorings:
            actions.extend(self._actions(issue, band))
        IssueScoring.objects.bulk_create(
            [
                IssueScoring(
                    issue=issue,
                    impact=issue.impact,
                    financial=issue.financial,
                    score=issue.score,
                    band=band.name,
                    matrix_version=issue.matrix_version,
                    scored_by=self.ops,
                    scored_at=issue.identified_at + timedelta(hours=1),
                )
                for issue, band in scorings
            ],
            batch_size=BATCH,
        )
        IssueAction.objects.bulk_create(actions, batch_size=BATCH)
        through = Issue.affected_customers.through
        links = [
            through(issue_id=issue.pk, organisation_id=self.customers[i % len(self.customers)].pk)
            for i, issue in enumerate(issues)
        ]
        through.objects.bulk_create(links, batch_size=BATCH)
        return len(issues)

    def _actions(self, issue: Issue, band: issue_rules.BandRule) -> list[IssueAction]:
        due = issue_rules.required_actions(issue.identified_at, band, self.closed)
        rows = []
        for kind, due_at in due.items():
            done_at = None
            if issue.resolved_at is not None:
                done_at = min(due_at, issue.resolved_at)
            elif kind == issue_rules.PLAN and issue.status == IssueStatus.PLAN_AGREED:
                done_at = issue.identified_at + timedelta(hours=2)
            rows.append(IssueAction(issue=issue, kind=kind, due_at=due_at, done_at=done_at))
        return rows

    # --- Breaches and communications ---------------------------------------------------------

    def seed_breaches(self, count: int) -> int:
        todo = self._missing(Breach, "description", BREACH_TEXT, count)
        policy = issue_selectors.breach_policy_current()
        numbers = self._next_numbers(Breach, "BRE")
        severities, weights = list(SEVERITY_WEIGHTS), list(SEVERITY_WEIGHTS.values())
        breaches = []
        for n in todo:
            rng = random.Random(f"breach-{n}")
            at = _moment(rng, self.months[n % len(self.months)])
            severity = rng.choices(severities, weights)[0]
            breach = Breach(
                reference=self._reference(numbers, "BRE", at),
                severity=severity,
                identified_at=at,
                description=BREACH_TEXT.format(n=n),
                owner=self.ops,
                notified_at=at + timedelta(minutes=rng.randint(30, 360)),
                resolved_at=at + timedelta(hours=rng.randint(2, 96)),
                root_cause="Manual step missed.",
                notification_due=issue_rules.breach_notification_due(
                    at, severity, hours=policy.notify_within_hours
                ),
                resolution_due=issue_rules.breach_resolution_due(
                    at, self.closed, business_days=policy.resolve_within_business_days
                ),
                policy_version=policy.version,
                created_at=at,
            )
            breach._history_user, breach._history_date = self.ops, at
            breaches.append(breach)
        for chunk in _chunks(breaches):
            bulk_create_with_history(chunk, Breach, default_change_reason=REASON)
        return len(breaches)

    def seed_communications(self, per_month: int) -> int:
        count = per_month * len(self.months)
        todo = self._missing(Communication, "subject", COMM_SUBJECT, count)
        numbers = self._next_numbers(Communication, "COM")
        checklist = [
            "distribution_list_named",
            "states_subject",
            "states_action_taken",
            "states_customer_action",
            "states_impact",
            "states_known_unknown",
            "gives_contact",
        ]
        comms = []
        for n in todo:
            rng = random.Random(f"comm-{n}")
            at = _moment(rng, self.months[n % len(self.months)])
            ticked = {field: rng.random() < 0.85 for field in checklist}
            score = Decimal(sum(ticked.values()) * 10) / len(checklist)
            comm = Communication(
                reference=self._reference(numbers, "COM", at),
                kind=rng.choice(CommunicationKind.values),
                sent_at=at,
                subject=COMM_SUBJECT.format(n=n),
                distribution_lists="All shippers",
                quality_score=score.quantize(Decimal("0.1")),
                owner=self.ops,
                **ticked,
            )
            comm._history_user, comm._history_date = self.ops, at
            comms.append(comm)
        bulk_create_with_history(
            comms, Communication, batch_size=BATCH, default_change_reason=REASON
        )
        through = Communication.recipients.through
        through.objects.bulk_create(
            [
                through(communication_id=c.pk, organisation_id=self.customers[i % 3].pk)
                for i, c in enumerate(comms)
            ],
            batch_size=BATCH,
        )
        return len(comms)

    # --- Surveys and plans -------------------------------------------------------------------

    def seed_surveys(self) -> int:
        created = 0
        for survey in Survey.objects.filter(key__in=["trust", "change"]).prefetch_related(
            "categories"
        ):
            for month in self.months[2::3]:  # a round a quarter
                label = f"Scale {month:%b %Y}"
                if Round.objects.filter(survey=survey, label=label).exists():
                    continue
                rng = random.Random(f"{survey.key}-{label}")
                survey_services.round_create(
                    survey=survey,
                    label=label,
                    held_on=month.replace(day=15),
                    period_start=add_months(month, -2),
                    period_end=month.replace(day=15),
                    respondents=rng.randint(20, 80),
                    scores={
                        c: Decimal(rng.randint(800, 990)) / 10 for c in survey.categories.all()
                    },
                    source=REASON,
                    user=self.ops,
                )
                created += 1
        return created

    def seed_plans(self, count: int) -> int:
        todo = self._missing(Plan, "title", PLAN_TITLE, count)
        parties = list(Organisation.objects.filter(is_party=True).order_by("pk"))
        pac = Committee.objects.get(code="PAC")
        causes = RootCauseChoices.values
        for n in todo:
            plan = plan_services.plan_create(
                party=parties[n % len(parties)],
                title=PLAN_TITLE.format(n=n),
                mandated_by=pac,
                mandated_on=self.months[n % len(self.months)].replace(day=20),
                reviews_mandated=n % 2 == 0,
                root_causes={causes[n % len(causes)]: "Found in the scale data set."},
                by=self.pafa,
            )
            plan_services.gap_add(plan=plan, description="Reports late", by=self.pafa)
        return len(todo)
