from datetime import date, timedelta

import factory
from django.core.files.base import ContentFile

from core.models import Organisation
from core.tests.factories import PartyFactory
from performance_plans.models import Action, Evidence, EvidenceKind, Gap, Plan

PDF_BYTES = b"%PDF-1.4\n%%EOF\n"


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    party: Organisation = factory.SubFactory(PartyFactory)
    title: str = factory.Sequence(lambda n: f"Plan {n}")
    review_interval_days: int = 14
    reviews_mandated: bool = True


class GapFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gap

    plan: Plan = factory.SubFactory(PlanFactory)
    description: str = factory.Sequence(lambda n: f"Gap {n}")


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    gap: Gap = factory.SubFactory(GapFactory)
    kind: str = EvidenceKind.AUDIT
    summary: str = "Audit finding"
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="finding.pdf"))


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    plan: Plan = factory.SubFactory(PlanFactory)
    description: str = factory.Sequence(lambda n: f"Action {n}")
    owner_side: str = "party"
    owner_name: str = "Party operations director"
    target: str = "Backlog cleared"
    start_on: date = date(2022, 2, 1)
    due_on: date = date(2022, 2, 1) + timedelta(days=100)
