"""Factories for the registers. Times are aware, in Europe/London, and in the past."""

from datetime import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from core.calendar import LONDON
from core.tests.factories import UserFactory
from issues import services
from issues.models import Breach, Communication, Issue, RectificationTask


class IssueFactory(DjangoModelFactory):
    """Built through the service so it gets a reference (and a score when levels are given)."""

    class Meta:
        model = Issue

    title = factory.Sequence(lambda n: f"Issue {n}")
    description = "Meter reads rejected."
    category = "aq_defect"
    identified_by = "provider"
    identified_at = datetime(2021, 6, 14, 10, tzinfo=LONDON)
    owner = factory.SubFactory(UserFactory)
    impact = None
    financial = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.issue_create(**kwargs)


class RectificationTaskFactory(DjangoModelFactory):
    class Meta:
        model = RectificationTask

    issue = factory.SubFactory(IssueFactory, impact=2, financial=2)
    description = factory.Sequence(lambda n: f"Task {n}")
    owner = factory.SubFactory(UserFactory)
    due_date = datetime(2021, 6, 28, tzinfo=LONDON).date()


class BreachFactory(DjangoModelFactory):
    class Meta:
        model = Breach

    severity = "low"
    identified_at = datetime(2021, 6, 14, 10, tzinfo=LONDON)
    description = "Report sent to the wrong shipper."
    owner = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.breach_create(**kwargs)


class CommunicationFactory(DjangoModelFactory):
    class Meta:
        model = Communication

    kind = "ad_hoc"
    sent_at = datetime(2020, 11, 10, 12, tzinfo=LONDON)
    subject = factory.Sequence(lambda n: f"Update {n}")
    quality_score = Decimal("8.0")
    # No checklist point is ticked, so the framework gives 0: the score is the assessor's.
    score_reason = "Scored by hand in the test."
    owner = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.communication_create(**kwargs)
