"""Demo KVIs from the seeds: the ten CoMC KVIs with their November 2020 updates and a year of
history, and the council's delivery-plan measures (seed 003) as a second committee's catalogue.

`load` builds the catalogue; `load_late` writes the monthly updates once every register's demo
data exists, so suggestions computed from the registers are the real ones. Idempotent.
"""

from __future__ import annotations

import json
import random
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from core.calendar import months_ending
from core.models import Committee
from kvis import services
from kvis.models import (
    KVI,
    Commitment,
    ForwardPlanItem,
    KVIUpdate,
    Measure,
    MeasureKind,
    MeasureResult,
)
from kvis.pack_sections import DEFAULT_SECTIONS, pack_sections_seed

NOVEMBER_2020 = date(2020, 11, 1)
HISTORY = months_ending(NOVEMBER_2020, 12)  # Dec 2019 .. Nov 2020

DEMO_DATA = Path(__file__).parent / "demo_data"


def demo_data(name: str):
    """The demo data file `demo_data/<name>.json`, parsed."""
    return json.loads((DEMO_DATA / f"{name}.json").read_text(encoding="utf-8"))


def _measure_fields(fields: dict) -> dict:
    """A measure as the model takes it: targets from their JSON text to decimals and dates."""
    fields = dict(fields)
    if "target_value" in fields:
        fields["target_value"] = Decimal(fields["target_value"])
    if "target_date" in fields:
        fields["target_date"] = date.fromisoformat(fields["target_date"])
    return fields


def _owner():
    return get_user_model().objects.filter(username="ops").first()


@transaction.atomic
def load(stdout=None) -> None:
    """The catalogue: ten CoMC KVIs and the council's delivery plan for the RSSC."""
    comc = Committee.objects.get(code="CoMC")
    owner = _owner()
    for position, card in enumerate(demo_data("kvis"), start=1):
        kvi, created = KVI.objects.get_or_create(
            code=card["code"],
            defaults=dict(
                title=card["title"],
                description=card["description"],
                scope=card["scope"],
                measure_text=card["measure_text"],
                owner=owner,
                active_from=date(2019, 4, 1),
                display_order=position,
            ),
        )
        if not created:
            continue
        kvi.committees.add(comc)
        for i, text in enumerate(card["commitments"], start=1):
            Commitment.objects.create(kvi=kvi, position=i, text=text)
        for i, fields in enumerate(card["measures"], start=1):
            measure = Measure(
                kvi=kvi, position=i, owner="Customer Operations", **_measure_fields(fields)
            )
            measure.full_clean()
            measure.save()
    _load_council_plan()
    _load_forward_plan()


def _load_forward_plan() -> None:
    """Seed 003's forward plan; the CoMC items from the November 2020 updates' "next update"
    lines and the KVI review plan of seed 002."""
    for row in demo_data("forward_plan"):
        ForwardPlanItem.objects.get_or_create(
            committee=Committee.objects.get(code=row["committee"]),
            decision_date=date.fromisoformat(row["decision_date"]),
            item=row["item"],
            defaults={"service_area": row["service_area"], "champion": row["champion"]},
        )
    for code in DEFAULT_SECTIONS:
        pack_sections_seed(Committee.objects.get(code=code))


def _load_council_plan() -> None:
    rssc = Committee.objects.get(code="RSSC")
    cards = demo_data("council_measure_cards")
    kvi, created = KVI.objects.get_or_create(
        code="CS-DP-2014",
        defaults=dict(
            title="Customer Services Delivery Plan 2014/15",
            description=(
                "A single point of contact for the public that is accessible to all, resolving "
                "customer interactions at first point of contact and promoting self service."
            ),
            scope="Customer Services team: front line service for all Council services",
            measure_text="Measure cards of the delivery plan (Appendix 3).",
            active_from=date(2014, 4, 1),
            active_to=date(2015, 3, 31),
            display_order=100,
        ),
    )
    if not created:
        return
    kvi.committees.add(rssc)
    Commitment.objects.create(
        kvi=kvi,
        position=1,
        text="Provide single point of contact for customer contact and formal complaints and aim "
        "to resolve customer interactions at first point of contact",
    )
    Commitment.objects.create(
        kvi=kvi,
        position=2,
        text="Provide responsive and accessible services and encourage customers to use the "
        "Council's website as the preferred and most efficient method of contact",
    )
    for i, card in enumerate(cards, start=1):
        measure = Measure(kvi=kvi, position=i, **_card_fields(card))
        measure.full_clean()
        measure.save()


_FREQUENCIES = [
    ("weekly", "weekly"),
    ("monthly", "monthly"),
    ("quarter", "quarterly"),
    ("year", "annually"),
    ("annual", "annually"),
    ("required", "as_required"),
]
_DATE = re.compile(r"(\d{1,2})\s*(?:st|nd|rd|th)?\s+([A-Za-z]{3})[a-z]*\s+(\d{4})")


def _card_fields(card: dict) -> dict:
    """Measure fields from a parsed card: the target's kind read from its wording."""
    target = card.get("target_text", "")
    fields = {k: v for k, v in card.items() if k in {f.name for f in Measure._meta.fields}}
    fields["target_text"] = target
    note = card.get("frequency_note", "").lower()
    fields["frequency"] = next((f for key, f in _FREQUENCIES if key in note), "as_required")
    if match := re.search(r"(\d+(?:\.\d+)?)\s*%", target):
        fields.update(kind=MeasureKind.PERCENTAGE, target_value=Decimal(match.group(1)))
    elif match := _DATE.search(target):
        day, month, year = match.groups()
        when = datetime.strptime(f"{day} {month} {year}", "%d %b %Y").date()  # noqa: DTZ007
        fields.update(kind=MeasureKind.MILESTONE, target_date=when)
    else:
        fields.update(kind=MeasureKind.NARRATIVE)
    return fields


@transaction.atomic
def load_late(stdout=None) -> None:
    """A year of monthly updates to November 2020, approved, plus December 2020 drafts."""
    if KVIUpdate.objects.filter(kvi__code="KVI-01").exists():
        return
    User = get_user_model()
    owner = _owner()
    approver = User.objects.filter(username="admin").first()
    rng = random.Random(2020)  # the same history on every machine
    kvis = list(KVI.objects.filter(code__startswith="KVI-").prefetch_related("measures"))
    november = demo_data("november_2020")
    for month in HISTORY:
        for kvi in kvis:
            _write_results(kvi, month, rng, owner)
            last, drivers, next_update = _narrative(kvi, month, november["narrative"])
            update = services.update_save(
                kvi=kvi,
                month=month,
                by=owner,
                last_update=last,
                drivers=drivers,
                next_update=next_update,
                figures=november["figures"].get(kvi.code, "") if month == NOVEMBER_2020 else "",
            )
            update = services.update_submit(update=update, by=owner)
            services.update_approve(update=update, by=approver)
    december = date(2020, 12, 1)
    for kvi in kvis[:3]:
        _write_results(kvi, december, rng, owner)
        update = services.update_save(
            kvi=kvi,
            month=december,
            by=owner,
            last_update="December figures are being collated.",
            drivers="",
            next_update="January CoMC",
        )
        if kvi.code != "KVI-03":
            services.update_submit(update=update, by=owner)


def _narrative(kvi: KVI, month: date, november: dict) -> tuple[str, str, str]:
    """The seeds' words for November 2020, plain ones for the other months."""
    if month == NOVEMBER_2020 and kvi.code in november:
        words = november[kvi.code]
        return words["last_update"], words["drivers"], words["next_update"]
    return (
        f"{kvi.title}: commitments delivered as planned in {month:%B %Y}.",
        "Business as usual.",
        "Next monthly CoMC",
    )


def _write_results(kvi: KVI, month: date, rng: random.Random, owner) -> None:
    """Plausible actuals for the measures people enter by hand."""
    for measure in kvi.measures.all():
        if measure.kind in (MeasureKind.REGISTER, MeasureKind.NARRATIVE):
            continue
        if MeasureResult.objects.filter(measure=measure, month=month).exists():
            continue
        actual, met_on = None, None
        if measure.kind == MeasureKind.PERCENTAGE:
            actual = Decimal(rng.choice([100, 100, 100, 98, 96, 93]))
        elif measure.kind == MeasureKind.COUNT:
            actual = Decimal(rng.choice([1, 1, 2, 0]))
        elif measure.kind == MeasureKind.PACE:
            delivered_by_month = {4: 1, 5: 1, 6: 1, 7: 2, 8: 2, 9: 2, 10: 2, 11: 3}
            actual = Decimal(delivered_by_month.get(month.month, 3 if month.month < 4 else 4))
        elif measure.kind == MeasureKind.MILESTONE:
            continue  # not yet met: the suggestion follows the due date
        services.result_save(measure=measure, month=month, actual=actual, met_on=met_on, by=owner)
