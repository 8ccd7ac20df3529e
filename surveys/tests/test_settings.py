"""The survey settings are versions: reading never writes, a change adds the next version."""

from decimal import Decimal

import pytest

from core.models import SettingsMissing
from surveys import selectors, services
from surveys.models import SurveySettings

pytestmark = pytest.mark.django_db


def test_the_data_migration_gives_version_1_with_the_default_tolerance():
    settings = selectors.current_settings()
    assert (settings.version, settings.amber_tolerance) == (1, Decimal("5"))


def test_reading_an_empty_settings_table_raises_and_writes_nothing():
    SurveySettings.objects.all().delete()
    with pytest.raises(SettingsMissing):
        selectors.current_settings()
    assert not SurveySettings.objects.exists()


def test_a_change_is_the_next_version_and_the_earlier_one_stays(ops_user):
    services.settings_create(amber_tolerance=Decimal("3"), user=ops_user)
    assert selectors.current_settings().version == 2
    assert SurveySettings.objects.get(version=1).amber_tolerance == Decimal("5")
