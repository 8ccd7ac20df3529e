from datetime import date
from decimal import Decimal

import factory

from core.tests.factories import CommitteeFactory
from kvis.models import KVI, KVIUpdate, Measure, MeasureKind


class KVIFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KVI
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"T-{n:03d}")
    title = factory.Sequence(lambda n: f"Test KVI {n}")
    description = "A commitment under test."
    active_from = date(2019, 4, 1)

    @factory.post_generation
    def committees(self, create, extracted, **kwargs):
        if create:
            self.committees.add(*(extracted or [CommitteeFactory()]))


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    kvi = factory.SubFactory(KVIFactory)
    name = factory.Sequence(lambda n: f"Measure {n}")
    kind = MeasureKind.PERCENTAGE
    target_value = Decimal(95)


class KVIUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KVIUpdate

    kvi = factory.SubFactory(KVIFactory)
    month = date(2020, 11, 1)
    last_update = "Delivered as planned."
