"""How the portal words people, empty choices and lengths of time."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.forms import ModelChoiceField
from hypothesis import given
from hypothesis import strategies as st

from core.models import Organisation
from core.presentation import CHOOSE, business_days_overdue, duration_words


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (timedelta(0), "0 min"),
        (timedelta(seconds=59), "0 min"),
        (timedelta(minutes=45), "45 min"),
        (timedelta(hours=1), "1 h"),
        (timedelta(hours=2, minutes=30), "2 h 30 min"),
        (timedelta(days=1), "1 day"),
        (timedelta(days=1, hours=13, minutes=5), "1 day 13 h"),
        (timedelta(days=2191, hours=2), "2191 days 2 h"),
        (timedelta(minutes=-5), "0 min"),
    ],
)
def test_duration_words(delta, words):
    assert duration_words(delta) == words


@given(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=5000)))
def test_duration_words_never_abbreviates_to_letters(delta):
    words = duration_words(delta)
    assert words.split()[0].isdigit()
    assert not any(token in words.split() for token in ("d", "m", "h0"))


@pytest.mark.parametrize(
    ("days", "words"), [(1, "1 business day overdue"), (3, "3 business days overdue")]
)
def test_business_days_overdue(days, words):
    assert business_days_overdue(days) == words


@pytest.mark.django_db
def test_people_are_named_by_full_name_and_choices_ask_for_one():
    user = get_user_model().objects.create_user("olivia", first_name="Olivia", last_name="Ops")
    assert str(user) == "Olivia Ops"
    assert str(get_user_model().objects.create_user("nameless")) == "nameless"
    field = ModelChoiceField(queryset=Organisation.objects.all())
    assert next(iter(field.choices)) == ("", CHOOSE)
