"""Reads of the registers: lists for the pages and the monthly figures the KVIs and the
committee pack use."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import islice

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.text import capfirst
from simple_history.utils import get_m2m_reverse_field_name

from core.calendar import (
    LONDON,
    add_months,
    first_of_month,
    kvi_year_start,
    local_day,
    start_of_day,
)
from issues import rules
from issues.models import (
    CHECKLIST,
    Breach,
    BreachPolicy,
    Category,
    CommsWeights,
    Communication,
    IdentifiedBy,
    Issue,
    IssueAction,
    RectificationTask,
    ScoringMatrix,
    Severity,
    month_bounds,
)
from kvis import late
from kvis.late import LateEntry
from kvis.rules import Rag, Suggestion


def matrix_current() -> ScoringMatrix:
    """The scoring matrix in force, with its bands; SettingsMissing when none exists (reading
    never creates one: version 1 comes from the data migration)."""
    return ScoringMatrix.current()


def breach_policy_current() -> BreachPolicy:
    """The breach policy in force; SettingsMissing when none exists."""
    return BreachPolicy.current()


def issue_list() -> QuerySet[Issue]:
    """Issues with their owner and customers, newest first."""
    return Issue.objects.select_related("owner").prefetch_related(
        "affected_customers__constituency"
    )


#: What each register table column exports, read with values_list: (field path, choices
#: shown by their label). The labels and order of the columns come from the table.
ISSUE_EXPORT_FIELDS = {
    "reference": ("reference", False),
    "title": ("title", False),
    "category": ("category", True),
    "score": ("score", False),
    "band": ("band", False),
    "status": ("status", True),
    "identified_at": ("identified_at", False),
    "resolved_at": ("resolved_at", False),
    "closed_at": ("closed_at", False),
    "identified_by": ("identified_by", True),
    "mprns_affected": ("mprns_affected", False),
    "owner": (f"owner__{get_user_model().USERNAME_FIELD}", False),
}


def issue_export_rows(
    issues: QuerySet[Issue], columns: Sequence[str], chunk_size: int = 2000
) -> Iterator[list]:
    """The export of a register table's `columns` for `issues` (filtered and ordered): the
    values the table exports (choices by label, customers by short name, empty cells empty),
    read with values_list a chunk at a time, plus one query per chunk for the customers. No
    model instance is built: 100k rows stream in seconds, in flat memory."""
    paths, labels = ["pk"], []
    for name in columns:
        if name == "customers":
            labels.append(None)
            continue
        path, choices = ISSUE_EXPORT_FIELDS[name]
        paths.append(path)
        labels.append(dict(Issue._meta.get_field(name).flatchoices) if choices else {})
    rows = issues.values_list(*paths).iterator(chunk_size=chunk_size)
    while chunk := list(islice(rows, chunk_size)):
        customers = _customer_names([row[0] for row in chunk]) if None in labels else {}
        for row in chunk:
            values = iter(row[1:])
            out = []
            for shown in labels:
                if shown is None:
                    out.append(customers.get(row[0], ""))
                    continue
                value = next(values)
                if value in (None, ""):
                    value = ""
                elif isinstance(value, datetime):
                    value = str(value)  # as the table exports a moment: text, in UTC
                out.append(shown.get(value, value))
            yield out


def _customer_names(issue_ids: list[int]) -> dict[int, str]:
    """Each issue's affected customers as its table shows them: short names (or names), in
    the organisations' order."""
    through = Issue.affected_customers.through
    found: dict[int, list[str]] = {}
    links = (
        through.objects.filter(issue_id__in=issue_ids)
        .order_by("organisation__name", "organisation_id")
        .values_list("issue_id", "organisation__short_name", "organisation__name")
    )
    for issue_id, short_name, name in links:
        found.setdefault(issue_id, []).append(short_name or name)
    return {issue_id: ", ".join(names) for issue_id, names in found.items()}


def issue_customer_ids(issue_ids: list[int]) -> dict[int, str]:
    """Each issue's affected customers as the API's CSV lists them: their ids in the
    organisations' order (as the serializer's prefetch reads them), separated by "; "."""
    through = Issue.affected_customers.through
    found: dict[int, list[str]] = {}
    links = (
        through.objects.filter(issue_id__in=issue_ids)
        .order_by("organisation__name", "organisation_id")
        .values_list("issue_id", "organisation_id")
    )
    for issue_id, organisation_id in links:
        found.setdefault(issue_id, []).append(str(organisation_id))
    return {issue_id: "; ".join(ids) for issue_id, ids in found.items()}


def issue_actions_of(issue_ids: list[int]) -> QuerySet[IssueAction]:
    """The required actions of the issues `issue_ids`, each issue's by due time."""
    return IssueAction.objects.filter(issue_id__in=issue_ids).order_by("issue_id", "due_at", "id")


def issue_list_stamp() -> str:
    """Changes on every write to an issue (each save, delete or customer change adds a history
    row): a key for cached register tables that is the same in every web process. The latest
    history row by primary key: one index lookup however many issues there are."""
    last = Issue.history.order_by("-history_id").values_list("history_id", "history_date")
    return ":".join(map(str, last.first() or ()))


def issue_detail(pk: int) -> Issue:
    """One issue with everything its page shows."""
    return (
        Issue.objects.select_related("owner")
        .prefetch_related(
            "affected_customers__constituency",
            "actions",
            Prefetch("tasks", RectificationTask.objects.select_related("owner")),
            "scorings__scored_by",
            "communications",
        )
        .get(pk=pk)
    )


def breach_list() -> QuerySet[Breach]:
    """Breaches with owner and customers, newest first."""
    return Breach.objects.select_related("owner").prefetch_related("customers_impacted")


def breach_detail(pk: int) -> Breach:
    return (
        Breach.objects.select_related("owner")
        .prefetch_related("customers_impacted", "communications")
        .get(pk=pk)
    )


def communication_list() -> QuerySet[Communication]:
    """Communications with their recipients, newest first."""
    return Communication.objects.select_related("owner").prefetch_related("recipients")


def communication_detail(pk: int) -> Communication:
    return (
        Communication.objects.select_related("owner")
        .prefetch_related("recipients", "issues", "breaches")
        .get(pk=pk)
    )


def checklist_rows(comm: Communication) -> list[tuple[str, bool, Decimal | None]]:
    """The framework checklist of a communication as (words, ticked, weight), with the weights
    of the version it was scored with."""
    weights = CommsWeights.objects.filter(version=comm.weights_version).first()
    points = weights.as_mapping() if weights else {}
    return [(label, getattr(comm, field), points.get(field)) for field, label in CHECKLIST]


def history_rows(obj, limit: int = 20) -> list[dict]:
    """The latest history entries of a record: when, who, what kind, which fields changed."""
    entries = list(obj.history.select_related("history_user").order_by("-history_date")[:limit])
    m2m = {
        f.name: _m2m_by_entry(entries, f)
        for f in (entries[0]._history_m2m_fields if entries else [])
    }
    rows = []
    for newer, older in zip(entries, [*entries[1:], None], strict=True):
        changed, changes = [], []
        if older is not None:
            diff = newer.diff_against(older, excluded_fields=list(m2m))
            changed = [c.field for c in diff.changes]
            changes = [_change(older, newer, name) for name in changed if name != "version"]
            moved = [name for name, by in m2m.items() if by[newer.pk] != by[older.pk]]
            changed += moved
            changes += [{"label": _label(newer, n), "before": None, "after": None} for n in moved]
        rows.append(
            {
                "at": newer.history_date,
                "by": _person(newer.history_user),
                "kind": {"+": "Created", "~": "Changed", "-": "Deleted"}[newer.history_type],
                "fields": ", ".join(changed),
                "changes": changes,
            }
        )
    return rows


def _label(entry, name: str) -> str:
    return capfirst(entry.instance_type._meta.get_field(name).verbose_name)


def _change(older, newer, name: str) -> dict:
    """One changed field as a reader sees it: its label, and the value before and after (a
    choice by its label, a related record by its name)."""
    field = newer.instance_type._meta.get_field(name)

    def shown(entry):
        if field.choices:
            return getattr(entry, f"get_{name}_display")()
        return getattr(entry, name)

    return {"label": capfirst(field.verbose_name), "before": shown(older), "after": shown(newer)}


def _m2m_by_entry(entries, field) -> dict[int, frozenset]:
    """The related ids of a many-to-many field at each history entry, in one query (the
    history's own diff asks twice per entry)."""
    through = getattr(entries[0], field.name).model
    target = get_m2m_reverse_field_name(field)
    found: dict[int, set] = {e.pk: set() for e in entries}
    rows = through.objects.filter(history__in=list(found)).values_list("history_id", target)
    for history_id, related in rows:
        found[history_id].add(related)
    return {pk: frozenset(ids) for pk, ids in found.items()}


def _person(user) -> str:
    if user is None:
        return "system"
    return user.get_full_name() or user.username


# --- Clocks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BreachClocks:
    breach: Breach
    notification: rules.ClockState
    resolution: rules.ClockState

    @property
    def missed(self) -> int:
        return int(self.notification.is_bad) + int(self.resolution.is_bad)


def breach_clocks(breach: Breach, now: datetime | None = None) -> BreachClocks:
    """Both clocks of a breach: met, missed, open with the time left, or overdue."""
    now = now or timezone.now()
    return BreachClocks(
        breach=breach,
        notification=rules.clock_state(breach.notification_due, breach.notified_at, now),
        resolution=rules.clock_state(breach.resolution_due, breach.resolved_at, now),
    )


# --- Monthly figures ------------------------------------------------------------------------


def _as_of(month: date) -> datetime:
    """The moment a month's figures are read at: its end, or now for the current month."""
    return min(month_bounds(month)[1], timezone.now())


def breach_month(month: date, now: datetime | None = None) -> dict:
    """A month's breaches: counts by severity, both clocks per breach, and the suggested RAG."""
    policy = breach_policy_current()
    now = now or timezone.now()
    breaches = list(breach_list().identified_in(month).order_by("identified_at"))
    counts = Counter(b.severity for b in breaches)
    clocks = [breach_clocks(b, now) for b in breaches]
    missed = sum(c.missed for c in clocks)
    thresholds = policy.thresholds()
    suggestion = rules.breach_month_rag(dict(counts), missed, thresholds)
    return {
        "month": month,
        "rows": [
            {
                "label": "Critical/High",
                "count": counts[Severity.CRITICAL] + counts[Severity.HIGH],
                "limit": thresholds.max_critical_high,
            },
            {"label": "Medium", "count": counts[Severity.MEDIUM], "limit": thresholds.max_medium},
            {"label": "Low", "count": counts[Severity.LOW], "limit": thresholds.max_low},
        ],
        "clocks": clocks,
        "deadlines_missed": missed,
        "suggestion": suggestion,
        "policy_version": policy.version,
    }


def _month_means(first: date, last: date) -> dict[date, Decimal]:
    """The mean score of each month from `first` to `last` that has communications, in one
    query (a total and a count per London month; the mean rounded as rules.mean_score)."""
    start, end = month_bounds(first)[0], month_bounds(last)[1]
    months = (
        Communication.objects.filter(sent_at__gte=start, sent_at__lt=end)
        .order_by()
        .annotate(m=TruncMonth("sent_at", tzinfo=LONDON))
        .values("m")
        .annotate(total=Sum("quality_score"), n=Count("pk"))
        .values_list("m", "total", "n")
    )
    return {
        local_day(m).replace(day=1): (Decimal(total) / n).quantize(
            rules.ONE_PLACE, rounding=ROUND_HALF_UP
        )
        for m, total, n in months
    }


def comms_classes() -> rules.CommsClasses:
    """The class boundaries from the KVI app's current RAG settings."""
    from kvis.selectors import rag_settings_current

    current = rag_settings_current()
    return rules.CommsClasses(
        exceeded_from=current.score_exceeded_from,
        met_from=current.score_green_from,
        amber_from=current.score_amber_from,
    )


def comms_month(month: date) -> dict:
    """A month's communications: mean, change from last month, KVI-year-to-date mean (the mean
    of the monthly means so far), class and suggested RAG."""
    classes = comms_classes()
    start = date(kvi_year_start(month), 4, 1)
    before = add_months(month, -1)
    means = _month_means(min(start, before), month)
    mean, previous = means.get(month), means.get(before)
    ytd = rules.mean_score(v for m, v in means.items() if start <= m <= month)
    return {
        "month": month,
        "count": Communication.objects.sent_in(month).count(),
        "mean": mean,
        "previous": previous,
        "change": (mean - previous) if mean is not None and previous is not None else None,
        "ytd_mean": ytd,
        "class": rules.comms_class(mean, classes) if mean is not None else "",
        "ytd_class": rules.comms_class(ytd, classes) if ytd is not None else "",
        "suggestion": rules.comms_month_rag(mean, previous, ytd, classes),
    }


def issue_month(month: date, amber_max_overdue: int = 2) -> dict:
    """A month's issue figures: new issues by band and scored, % identified by the provider
    (all and AQ defects), age profile of issues open at month end, and overdue actions.
    Counted in the database (a register of 100k issues is never loaded); the overdue actions
    and tasks are querysets, so a page that lists a few of them reads only those."""
    as_of = _as_of(month)
    new = Issue.objects.identified_in(month).order_by()
    provider = Q(identified_by=IdentifiedBy.PROVIDER)
    aq = Q(category=Category.AQ_DEFECT)
    totals = new.aggregate(
        count=Count("pk"),
        unscored=Count("pk", filter=Q(score__isnull=True)),
        by_provider=Count("pk", filter=provider),
        aq=Count("pk", filter=aq),
        aq_by_provider=Count("pk", filter=aq & provider),
    )
    by_band = Counter(
        {
            (band or "Not scored"): n
            for band, n in new.values_list("band").annotate(n=Count("pk")).order_by()
        }
    )
    ages = _age_profile(Issue.objects.open_at(as_of).order_by(), local_day(as_of))
    overdue_actions = IssueAction.objects.overdue(at=as_of).select_related("issue")
    today = local_day(as_of)
    overdue_tasks = RectificationTask.objects.overdue(today).select_related("issue", "owner")
    overdue_count = overdue_actions.count() + overdue_tasks.count()
    return {
        "month": month,
        "new_count": totals["count"],
        "unscored": totals["unscored"],
        "by_band": [(name, by_band[name]) for name in _band_order(by_band)],
        "identified_by_provider_pct": rules.percentage(totals["by_provider"], totals["count"]),
        "aq_count": totals["aq"],
        "aq_by_provider_pct": rules.percentage(totals["aq_by_provider"], totals["aq"]),
        "age_profile": [(label, ages[label]) for label in rules.age_bucket_labels()],
        "open_count": sum(ages.values()),
        "overdue_actions": overdue_actions,
        "overdue_tasks": overdue_tasks,
        "overdue_count": overdue_count,
        "suggestion": rules.issue_resolution_rag(
            totals["count"], totals["unscored"], overdue_count, amber_max_overdue
        ),
    }


def age_profile(month: date) -> list[tuple[str, int]]:
    """Issues open at the month's end by age bucket (one query), as issue_month gives them."""
    as_of = _as_of(month)
    ages = _age_profile(Issue.objects.open_at(as_of).order_by(), local_day(as_of))
    return [(label, ages[label]) for label in rules.age_bucket_labels()]


def _age_profile(open_issues: QuerySet[Issue], today: date) -> Counter:
    """Open issues counted by age bucket in one query. An issue is `d` days old on `today`
    when its local day is `today - d`, i.e. it was identified from the start of that day
    (Europe/London) to the start of the next."""
    buckets = [
        Q(
            identified_at__gte=start_of_day(today - timedelta(days=high)),
            identified_at__lt=start_of_day(today - timedelta(days=low - 1)),
        )
        for low, high, _ in rules.AGE_BUCKETS
    ]
    oldest = start_of_day(today - timedelta(days=rules.AGE_BUCKETS[-1][1]))
    buckets.append(Q(identified_at__lt=oldest))
    found = open_issues.aggregate(
        **{f"age_{n}": Count("pk", filter=bucket) for n, bucket in enumerate(buckets)}
    )
    return Counter({label: found[f"age_{n}"] for n, label in enumerate(rules.age_bucket_labels())})


def _band_order(counter: Counter) -> list[str]:
    names = [b.name for b in matrix_current().bands.all()]
    return names + sorted(n for n in counter if n not in names)


# --- Providers for the KVI app ---------------------------------------------------------------


def breaches_monthly_suggestion(month: date) -> Suggestion:
    """The data-security KVI's suggestion for a month (DOMAIN rule 2)."""
    return breach_month(month)["suggestion"]


def communications_monthly_suggestion(month: date) -> Suggestion:
    """The effective-communication KVI's suggestion for a month (DOMAIN rule 4)."""
    return comms_month(month)["suggestion"]


def issue_resolution_suggestion(month: date) -> Suggestion:
    """The issue-resolution KVI's suggestion for a month."""
    return issue_month(month)["suggestion"]


# --- Figures as issued and late entries ------------------------------------------------------

#: The pack section whose snapshot figures are each register's month "as issued".
SECTION_KEYS = {
    "issues": "issues.register_summary",
    "breaches": "issues.breaches",
    "communications": "issues.communications",
}


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def breach_month_figures(
    month: date, now: datetime | None = None, figures: dict | None = None
) -> dict:
    """A month's breach figures as the API and a pack's snapshot carry them (JSON); from
    `figures` (breach_month's) when the caller has them already."""
    figures = figures or breach_month(month, now=now)
    counts = {s: 0 for s in Severity.values}
    for clock in figures["clocks"]:
        counts[clock.breach.severity] += 1
    return {
        "month": f"{month:%Y-%m}",
        "counts": counts,
        "deadlines_missed": figures["deadlines_missed"],
        "rag": figures["suggestion"].rag.value,
        "explanation": figures["suggestion"].explanation,
        "policy_version": figures["policy_version"],
    }


def comms_month_figures(month: date, figures: dict | None = None) -> dict:
    """A month's communication figures as the API and a pack's snapshot carry them (JSON);
    from `figures` (comms_month's) when the caller has them already."""
    figures = figures or comms_month(month)
    return {
        "month": f"{month:%Y-%m}",
        "count": figures["count"],
        "mean": _number(figures["mean"]),
        "change": _number(figures["change"]),
        "year_to_date_mean": _number(figures["ytd_mean"]),
        "class": figures["class"].lower().replace(" ", "_"),
        "rag": figures["suggestion"].rag.value,
        "explanation": figures["suggestion"].explanation,
    }


def issue_month_figures(month: date, figures: dict | None = None) -> dict:
    """A month's issue-register figures as the API and a pack's snapshot carry them (JSON);
    from `figures` (issue_month's) when the caller has them already."""
    figures = figures or issue_month(month)
    return {
        "month": f"{month:%Y-%m}",
        "new_count": figures["new_count"],
        "unscored": figures["unscored"],
        "by_band": dict(figures["by_band"]),
        "identified_by_provider_pct": _number(figures["identified_by_provider_pct"]),
        "aq_count": figures["aq_count"],
        "aq_by_provider_pct": _number(figures["aq_by_provider_pct"]),
        "open_count": figures["open_count"],
        "overdue_count": figures["overdue_count"],
        "rag": figures["suggestion"].rag.value,
        "explanation": figures["suggestion"].explanation,
    }


def pack_register_figures(committee, month: date) -> dict:
    """The issue register's figures a pack prints, for its snapshot."""
    return issue_month_figures(month)


def pack_breach_figures(committee, month: date) -> dict:
    """The breach figures a pack prints (clocks read at the month's end), for its snapshot."""
    return breach_month_figures(month, now=_as_of(month))


def pack_comms_figures(committee, month: date) -> dict:
    """The communication figures a pack prints, for its snapshot."""
    return comms_month_figures(month)


def _late(model, moment_field: str, month: date) -> QuerySet:
    start, end = month_bounds(month)
    return (
        model.objects.filter(recorded_after_issue__isnull=False)
        .filter(**{f"{moment_field}__gte": start, f"{moment_field}__lt": end})
        .select_related("recorded_after_issue__committee")
        .order_by("recorded_after_issue_at", "reference")
    )


#: Each register's model and the moment that dates a record into a month.
REGISTERS = {"issues": (Issue, "identified_at"), "breaches": (Breach, "identified_at")}
REGISTERS["communications"] = (Communication, "sent_at")


def late_entries(register: str, month: date) -> list:
    """The register's records of `month` added or corrected after the month was issued."""
    model, moment = REGISTERS[register]
    return list(_late(model, moment, month))


def with_as_issued(register: str, month: date, current: dict) -> dict:
    """The month's current figures, those printed in the pack the month was first issued in
    (None until it is; `pack` its id) and the references of the late entries."""
    found = late.figures_as_issued(month, SECTION_KEYS[register])
    return {
        **current,
        "as_issued": {**found[1], "pack": found[0].pk} if found else None,
        "late_entries": [r.reference for r in late_entries(register, month)],
    }


#: The figures the month's page compares, as issued and now: (key in the figures, label).
COMPARED = {
    "issues": [
        ("new_count", "New issues"),
        ("unscored", "Not scored"),
        ("open_count", "Open at the month's end"),
        ("overdue_count", "Overdue actions and tasks"),
        ("rag", "Suggested RAG"),
    ],
    "breaches": [
        ("critical_high", "Critical/High"),
        ("medium", "Medium"),
        ("low", "Low"),
        ("deadlines_missed", "Deadlines missed"),
        ("rag", "Suggested RAG"),
    ],
    "communications": [
        ("count", "Communications"),
        ("mean", "Mean score"),
        ("rag", "Suggested RAG"),
    ],
}
TITLES = {"issues": "Issue register", "breaches": "Data breaches"}
TITLES["communications"] = "Communications"


def _flat(figures: dict) -> dict:
    """Figures as the month's page compares them: RAG by its label, breach counts by row."""
    if not figures:
        return {}
    figures = {**figures, "rag": Rag(figures["rag"]).label}
    counts = figures.get("counts")
    if counts is None:
        return figures
    return {
        **figures,
        "critical_high": counts.get(Severity.CRITICAL, 0) + counts.get(Severity.HIGH, 0),
        "medium": counts.get(Severity.MEDIUM, 0),
        "low": counts.get(Severity.LOW, 0),
    }


def register_month(month: date, figures: dict | None = None) -> dict:
    """The month's page: whether the month is issued and, per register, its figures as
    issued beside the current ones (the pack they were printed in) and the late entries.
    `figures`: the month's issue_month, breach_month and comms_month by register, when the
    page has computed them already (the overview shows them too)."""
    figures = figures or {}
    current = {
        "issues": issue_month_figures(month, figures.get("issues")),
        "breaches": breach_month_figures(month, figures=figures.get("breaches")),
        "communications": comms_month_figures(month, figures.get("communications")),
    }
    registers = []
    for key, section in SECTION_KEYS.items():
        found = late.figures_as_issued(month, section)
        issued, now = _flat(found[1]) if found else {}, _flat(current[key])
        registers.append(
            {
                "key": key,
                "title": TITLES[key],
                "pack": found[0] if found else None,
                "rows": [
                    {
                        "label": label,
                        "as_issued": issued.get(name),
                        "current": now.get(name),
                        "differs": issued.get(name) != now.get(name),
                    }
                    for name, label in COMPARED[key]
                ],
                "late_entries": late_entries(key, month),
            }
        )
    return {"issued": any(r["pack"] for r in registers), "registers": registers}


def _late_entry(record, kind: str, moment: datetime, summary: str) -> LateEntry:
    return LateEntry(
        reference=record.reference,
        kind=kind,
        month=local_day(moment).replace(day=1),
        recorded_at=record.recorded_after_issue_at,
        pack=str(record.recorded_after_issue),
        summary=summary,
        change=late.change_kind(record),
    )


def late_entries_before(before: date) -> list[LateEntry]:
    """Late entries of the registers for months before `before` (for the packs' "Changes to
    months already reported")."""
    start = month_bounds(before)[0]
    marked = {"recorded_after_issue__isnull": False}
    related = "recorded_after_issue__committee"
    entries = [
        _late_entry(i, "Issue", i.identified_at, f"{i.title} ({i.band or 'not scored'})")
        for i in Issue.objects.filter(**marked, identified_at__lt=start).select_related(related)
    ]
    entries += [
        _late_entry(b, "Breach", b.identified_at, f"{b.get_severity_display()}: {b.description}")
        for b in Breach.objects.filter(**marked, identified_at__lt=start).select_related(related)
    ]
    entries += [
        _late_entry(c, "Communication", c.sent_at, f"{c.subject} ({c.quality_score}/10)")
        for c in Communication.objects.filter(**marked, sent_at__lt=start).select_related(related)
    ]
    return entries


def latest_register_month(today: date) -> date:
    """The latest month the registers report on: that of the newest issue, breach or
    communication, never after this month; this month when the registers are empty."""
    newest = [
        Issue.objects.aggregate(m=Max("identified_at"))["m"],
        Breach.objects.aggregate(m=Max("identified_at"))["m"],
        Communication.objects.aggregate(m=Max("sent_at"))["m"],
    ]
    months = [first_of_month(timezone.localtime(m).date()) for m in newest if m is not None]
    this_month = first_of_month(today)
    return min(max(months), this_month) if months else this_month
