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

NOVEMBER_2020 = date(2020, 11, 1)
HISTORY = months_ending(NOVEMBER_2020, 12)  # Dec 2019 .. Nov 2020

# code, title, description, scope, commitments, measure text, committees
KVIS = [
    (
        "KVI-01",
        "System availability / performance",
        "Notwithstanding the contractual performance measures, where systems are unavailable "
        "or performance is not as expected, investigations will be carried out to identify the "
        "cause and reduce the risk of the issue being repeated.",
        "Data Enquiry System (DES); Contact Management System (CMS); Xoserve Services Portal; "
        "Gemini",
        [
            "Monthly reporting on system performance",
            "For any identified issues, inform customers and provide plan for resolution",
        ],
        "Utilise the Xoserve Incident Summary to measure success.",
    ),
    (
        "KVI-02",
        "Issue resolution",
        "Issues identified by Xoserve or customer relating to data or processes: customer "
        "queries, defects resolution, incidents.",
        "Any issue that creates a pain point to customer(s)",
        [
            "Use MI to drive greater insight",
            "Score each issue based on customer impact and manage each issue accordingly",
            "Notify customer as soon as issue is realised [depending on issue score]",
            "Follow up with a plan for rectification (to include tasks, timescales, ownership)",
            "Provide sufficient information in a timely manner, to enable customers to make an "
            "informed decision regarding actions they need to take",
        ],
        "CoMC measure: every issue scored with the Issue Resolution Matrix and the action "
        "for its score carried out.",
    ),
    (
        "KVI-03",
        "Effective communication",
        "Xoserve will provide meaningful communication to customers that is clear in both its "
        "message and who it has been sent to. Split into Scheduled and Adhoc communication.",
        "Scheduled communication: regular reports/files provided in line with a contractual or "
        "licence obligation. Adhoc communication: any communication that is not scheduled.",
        [
            "Maintaining distribution lists & notifying customers who the communication has "
            "been sent to in the comms",
            "Standard template used (where appropriate) which clearly states what the comms is "
            "about, what action is being taken and if the customer is required to do anything "
            "and the material/financial impact on customers & who impacted",
            "Comms to specify what we know & what we don't know and when we will provide "
            "further information",
            "Contact name will be provided if further is required from the customer",
        ],
        "Each communication scored out of 10 against the framework; the monthly mean.",
    ),
    (
        "KVI-04",
        "Compliance",
        "Complete a full compliance review of all services Xoserve provides to ensure customers "
        "meet their contractual and licence obligations and Xoserve is clear what its "
        "obligations are.",
        "Includes all processes that are performed on behalf of a customer",
        [
            "Complete annual review",
            "Provide report to CoMC of the finding of the review",
            "Report to CoMC any indications of a compliance failure",
            "Produce action plan for approval at CoMC that will list actions for resolution or "
            "mitigation of any further failure",
        ],
        "All actions complete within approved timescales.",
    ),
    (
        "KVI-05",
        "Continuous improvement",
        "Xoserve to demonstrate that it has improved the customer's experience over the KVI "
        "year (01 April to 31 March).",
        "Not limited",
        [
            "Continually assess what we do to improve the services that we provide",
            "Test the success of the improvement at CoMC",
        ],
        "CoMC measure: improvements tested at CoMC.",
    ),
    (
        "KVI-06",
        "Innovation",
        "Xoserve to create opportunities to develop solutions that meet new requirements; "
        "unarticulated needs; or existing market needs.",
        "Opportunities within the energy industry that benefit our customers",
        ["Present innovation opportunities to CoMC"],
        "CoMC measure: opportunities presented.",
    ),
    (
        "KVI-07",
        "Customer relationship management",
        "Improve the quality and efficiency of Xoserve engagement with customers and value.",
        "Unlimited",
        [
            "Improve the quality and efficiency of Xoserve's engagement with customers",
            "Improve Xoserve's relationship with its customers",
            "Add value to customers",
            "Feedback provided is evaluated and action plans developed to improve pain points "
            "for customers",
            "Customer agreed action plans; You said, we did initiative; regular review and "
            "feedback sessions",
        ],
        "Trust survey score against a target of 95%.",
    ),
    (
        "KVI-08",
        "Customer engagement in change",
        "Involve customers in the changes Xoserve delivers, from solution development to "
        "delivery of the customer benefit.",
        "All changes delivered through the change governance",
        [
            "Involve and consult customers regarding solution development",
            "Provide customers with information and support to ensure they are prepared and "
            "ready for the changes being implemented",
            "Changes delivered as per the agreed plan (at the relevant governance committee)",
            "Delivering the customer benefit",
        ],
        "Change survey score and year-to-date score.",
    ),
    (
        "KVI-09",
        "Financial information",
        "Keep customers informed of Xoserve's financial position.",
        "Financial updates to CoMC",
        [
            "Minimum of four updates per financial year including preliminary results from the "
            "previous financial year, and quarterly forecasts which include actual results, key "
            "themes, investment progress and (where relevant) impacts on charges position",
            "Offer sessions to review finances at an individual customer charging level",
        ],
        "At least four updates per financial year, keeping pace with the quarters.",
    ),
    (
        "KVI-10",
        "Customer data security",
        "To protect the integrity and security of customer data at all times.",
        "All data that Xoserve process on behalf of its customers",
        [
            "Protect the integrity and security of our customers data at all times",
            "Notification of any data breaches to impacted customers within four hours of "
            "identification",
            "Resolution within two business days",
            "Continuous review of the Information Security Management policy",
            "Continuously assess sensitive data location and risk, access activity, movement, "
            "and user behaviour",
            "Regular internal technical audits",
            "External Audit (BSI ISO27001) certification",
            "Full compliance with the General Data Protection Regulation (GDPR)",
            "Engagement plans to raise awareness and understanding of the importance of "
            "customer data security",
        ],
        "No data security breaches categorised as Critical or High; no more than one (1) "
        "categorised as Medium; no more than five (5) categorised as Low. Calculated per "
        "calendar month.",
    ),
]

# code -> list of measure dicts
MEASURES = {
    "KVI-01": [
        dict(
            name="Incidents with customers informed and a resolution plan",
            kind=MeasureKind.PERCENTAGE,
            target_value=Decimal(100),
            frequency="monthly",
            source_of_data="Xoserve Incident Summary",
            formula="Incidents where customers were informed and given a plan / all incidents",
        )
    ],
    "KVI-02": [
        dict(
            name="Issues scored and actioned per the Issue Resolution Matrix",
            kind=MeasureKind.REGISTER,
            rule_key="issues.issue_resolution",
            source_of_data="Issue register",
        )
    ],
    "KVI-03": [
        dict(
            name="Communications quality score",
            kind=MeasureKind.REGISTER,
            rule_key="issues.communications_monthly",
            target_text="Met Expectations (7.0/10) or better",
            source_of_data="Communications register",
        )
    ],
    "KVI-04": [
        dict(
            name="Annual compliance review reported to CoMC",
            kind=MeasureKind.MILESTONE,
            target_date=date(2021, 3, 17),
            frequency="annually",
        ),
        dict(
            name="Compliance actions complete within approved timescales",
            kind=MeasureKind.PERCENTAGE,
            target_value=Decimal(100),
            frequency="monthly",
        ),
    ],
    "KVI-05": [
        dict(
            name="Improvements tested at CoMC this KVI year",
            kind=MeasureKind.COUNT,
            target_value=Decimal(1),
            direction="higher",
            frequency="monthly",
        )
    ],
    "KVI-06": [
        dict(
            name="Innovation opportunities presented to CoMC this quarter",
            kind=MeasureKind.COUNT,
            target_value=Decimal(1),
            direction="higher",
            frequency="quarterly",
        )
    ],
    "KVI-07": [
        dict(
            name="Trust survey: overall trust",
            kind=MeasureKind.REGISTER,
            rule_key="surveys.trust",
            target_text="95%",
            frequency="as_required",
        )
    ],
    "KVI-08": [
        dict(
            name="Change survey score",
            kind=MeasureKind.REGISTER,
            rule_key="surveys.change",
            target_text="95%",
            frequency="as_required",
        )
    ],
    "KVI-09": [
        dict(
            name="Financial updates delivered this financial year",
            kind=MeasureKind.PACE,
            target_text="At least 4 a year, keeping pace with quarters",
            frequency="quarterly",
        )
    ],
    "KVI-10": [
        dict(
            name="Data breaches against monthly thresholds",
            kind=MeasureKind.REGISTER,
            rule_key="issues.breaches_monthly",
            target_text="0 Critical/High, ≤1 Medium, ≤5 Low",
            frequency="monthly",
        )
    ],
}

# The November 2020 updates as the seeds give them: last update, drivers, next update.
NOVEMBER_NARRATIVE = {
    "KVI-02": (
        "Although MPRN data is shared for AQ defects earlier than previously the data set does "
        "not contain all required information for customers. This is being picked up as part of "
        "the process improvement work for the AQ Taskforce. The defects being raised now are 90% "
        "identified by us and not our customers. The number of MPRNs within those defects is "
        "low. All new issues identified during November have been scored using the Issue "
        "Management Framework.",
        "Assurance reporting and MI produced which is being used to identify AQ issues earlier. "
        "The age profile of AQ defects is decreasing with a targeted focus on those high "
        "priority customer impacting ones now dealt with.",
        "December CoMC",
    ),
    "KVI-03": (
        "Communications issued as per framework. All issues have been recorded on the published "
        "Issue Register. The overall score for the customer communications issued in November "
        "was 9.7/10, which we are classifying as 'Exceeded Expectations'. This is a 1.4 increase "
        "in comparison to last month. Our average monthly KVI score to date is 8.1/10 - 'Met "
        "Expectations'.",
        "Communications issued relating to financial adjustments as a result of AQ defects 2nd & "
        "3rd December including data used to calculate the adjustments for the last set of "
        "MPRNs. On target to complete adjustments for historical adjustments by end of 2020.",
        "Next month we shall concentrate on content of the comms now we have consistency in "
        "format and basic requirements required in a communication.",
    ),
    "KVI-07": (
        "Target Score: 95% Latest survey scores: Overall Trust Score 90.91% (up from 85.2%), "
        "Strategic Decisions 93.94% (up from 86.6%), Operational Services 87.88% (up from 77%) "
        "and Customer First 90.91% (down from 95.1%)",
        "Drivers of improved scores: Improvements to customer engagement (proactive engagement "
        "approach to identifying customer pain points, understanding customer needs and "
        "visibility of AQ taskforce progress) and improvements to customer contact response "
        "timescales. Sustained improvements to operational service levels and customer "
        "engagements during COVID19 has seen the customer Trust score strengthen.",
        "Jan'21 following Dec'20 survey",
    ),
    "KVI-08": (
        "8 Customers responded to the change survey from across all customer constituencies. "
        "The score for the October Survey was 100% with current year to date score also of 98%",
        "We received feedback on process improvements including the website Release pages and "
        "change development. We continue to work closely with all customers to understand the "
        "context of the feedback and discuss measures to ensure that their future interactions "
        "with Xoserve for change are positive.",
        "February 21 following the January survey",
    ),
    "KVI-09": (
        "Initial update on Q2 forecast position delivered to November CoMC, follow up on final "
        "Q2 position to December CoMC",
        "Preliminary results of 2019/20 and the Q1 forecast were delivered earlier in the year.",
        "December CoMC: final Q2 position",
    ),
    "KVI-10": (
        "There were 3 low breaches only.",
        "Continued engagement on data security awareness; no Critical, High or Medium breaches.",
        "December 2020 monthly report",
    ),
}

#: The month's figures as reported, for the KVIs whose figures the seeds state.
NOVEMBER_FIGURES = {
    "KVI-03": "November score 9.7/10 (Exceeded Expectations), up 1.4 on October; KVI year to "
    "date 8.1/10 (Met Expectations).",
    "KVI-07": "Overall trust 90.91% (target 95%); Strategic decisions 93.94%; Operational "
    "services 87.88%; Customer first 90.91%.",
    "KVI-08": "October change survey: 8 customers, 100%; year to date 98%.",
    "KVI-10": "Critical 0, High 0, Medium 0, Low 3.",
}


def _owner():
    return get_user_model().objects.filter(username="ops").first()


@transaction.atomic
def load(stdout=None) -> None:
    """The catalogue: ten CoMC KVIs and the council's delivery plan for the RSSC."""
    comc = Committee.objects.get(code="CoMC")
    owner = _owner()
    for position, (code, title, description, scope, commitments, measure_text) in enumerate(
        KVIS, start=1
    ):
        kvi, created = KVI.objects.get_or_create(
            code=code,
            defaults=dict(
                title=title,
                description=description,
                scope=scope,
                measure_text=measure_text,
                owner=owner,
                active_from=date(2019, 4, 1),
                display_order=position,
            ),
        )
        if not created:
            continue
        kvi.committees.add(comc)
        for i, text in enumerate(commitments, start=1):
            Commitment.objects.create(kvi=kvi, position=i, text=text)
        for i, fields in enumerate(MEASURES[code], start=1):
            measure = Measure(kvi=kvi, position=i, owner="Customer Operations", **fields)
            measure.full_clean()
            measure.save()
    _load_council_plan()
    _load_forward_plan()


#: committee, date, item, service area, champion (seed 003's forward plan; CoMC items from the
#: November 2020 updates' "next update" lines and the KVI review plan of seed 002).
FORWARD_PLAN = [
    (
        "RSSC",
        date(2015, 1, 14),
        "Customer Service Charter",
        "Customer Services",
        "Elaine Griffin - Singh",
    ),
    (
        "CoMC",
        date(2020, 12, 16),
        "Final Q2 financial forecast position",
        "Finance",
        "Xoserve Finance",
    ),
    (
        "CoMC",
        date(2021, 1, 20),
        "Trust survey results (December 2020 survey)",
        "Customer Relationship Management",
        "Customer Advocate Managers",
    ),
    (
        "CoMC",
        date(2021, 2, 17),
        "Change survey results (January 2021 survey)",
        "Change",
        "Change Management",
    ),
    (
        "CoMC",
        date(2021, 3, 17),
        "Annual compliance review report and action plan",
        "Compliance",
        "Customer Operations",
    ),
    (
        "PAC",
        date(2021, 1, 19),
        "Review of parties on Performance Improvement Plans",
        "Performance Assurance",
        "PAFA",
    ),
]


def _load_forward_plan() -> None:
    for code, when, item, area, champion in FORWARD_PLAN:
        ForwardPlanItem.objects.get_or_create(
            committee=Committee.objects.get(code=code),
            decision_date=when,
            item=item,
            defaults={"service_area": area, "champion": champion},
        )


def _load_council_plan() -> None:
    rssc = Committee.objects.get(code="RSSC")
    cards = json.loads(
        (Path(__file__).parent / "demo_data" / "council_measure_cards.json").read_text()
    )
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
    for month in HISTORY:
        for kvi in kvis:
            _write_results(kvi, month, rng, owner)
            last, drivers, next_update = _narrative(kvi, month)
            update = services.update_save(
                kvi=kvi,
                month=month,
                by=owner,
                last_update=last,
                drivers=drivers,
                next_update=next_update,
                figures=NOVEMBER_FIGURES.get(kvi.code, "") if month == NOVEMBER_2020 else "",
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


def _narrative(kvi: KVI, month: date) -> tuple[str, str, str]:
    if month == NOVEMBER_2020 and kvi.code in NOVEMBER_NARRATIVE:
        return NOVEMBER_NARRATIVE[kvi.code]
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
