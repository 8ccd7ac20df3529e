import datetime as dt

import factory

from core.tests.factories import CommitteeFactory
from meetings.models import Action, Meeting


class MeetingFactory(factory.django.DjangoModelFactory):
    """CoMC's 16 December 2020 meeting, which reviews November 2020."""

    class Meta:
        model = Meeting

    committee = factory.SubFactory(CommitteeFactory)
    date = dt.date(2020, 12, 16)
    month_reviewed = dt.date(2020, 11, 1)
    submission_deadline = dt.date(2020, 12, 9)
    approval_deadline = dt.date(2020, 12, 11)
    pack_issue_date = dt.date(2020, 12, 14)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    owner_name = "Xoserve"
    start = dt.date(2020, 12, 16)
    due = dt.date(2021, 1, 15)
