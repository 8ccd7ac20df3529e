"""Factories for the shared records; every app's factories build on these."""

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from core.models import ClosureDay, Committee, Constituency, Organisation


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username: str = factory.Sequence(lambda n: f"owner{n}")
    email: str = factory.LazyAttribute(lambda u: f"{u.username}@example.org")


class ConstituencyFactory(DjangoModelFactory):
    class Meta:
        model = Constituency
        django_get_or_create = ("name",)

    name: str = "Shippers"


class OrganisationFactory(DjangoModelFactory):
    """A customer of the provider."""

    class Meta:
        model = Organisation

    name: str = factory.Sequence(lambda n: f"Customer {n} Ltd")
    short_name: str = factory.Sequence(lambda n: f"C{n}")
    constituency = factory.SubFactory(ConstituencyFactory)


class PartyFactory(DjangoModelFactory):
    """A party whose performance the PAC assures."""

    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name: str = factory.Sequence(lambda n: f"Party {n} Ltd")
    short_name: str = factory.Sequence(lambda n: f"P{n}")
    is_party: bool = True


class CommitteeFactory(DjangoModelFactory):
    class Meta:
        model = Committee
        django_get_or_create = ("code",)

    code: str = "CoMC"
    name: str = "Contract Management Committee"


class ClosureDayFactory(DjangoModelFactory):
    class Meta:
        model = ClosureDay
        django_get_or_create = ("day",)

    reason: str = "Office closure"
