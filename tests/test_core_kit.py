"""The versioned write of core.writes, on a real versioned model (a "You said, we did" item)."""

import pytest
from django.core.exceptions import ValidationError

from core.errors import ApplicationError, StaleVersion
from core.writes import model_update
from surveys.models import YouSaidWeDid
from surveys.tests.factories import YouSaidWeDidFactory

pytestmark = pytest.mark.django_db


def test_a_write_claims_the_version_and_records_who(pafa_user):
    item = YouSaidWeDidFactory()
    item, changed = model_update(
        instance=item,
        fields=["we_did"],
        data={"we_did": "New portal"},
        version=1,
        by=pafa_user,
        reason="Agreed at CoMC",
    )
    assert changed and item.version == 2
    stored = YouSaidWeDid.objects.get(pk=item.pk)
    assert (stored.we_did, stored.version) == ("New portal", 2)
    last = stored.history.first()
    assert last.history_user == pafa_user and last.history_change_reason == "Agreed at CoMC"


def test_the_second_of_two_writes_from_one_version_is_refused_with_the_current_values():
    item = YouSaidWeDidFactory()
    first = YouSaidWeDid.objects.get(pk=item.pk)
    second = YouSaidWeDid.objects.get(pk=item.pk)
    model_update(instance=first, fields=["we_did"], data={"we_did": "Mine"}, version=1)
    with pytest.raises(StaleVersion) as refused:
        model_update(instance=second, fields=["we_did"], data={"we_did": "Theirs"}, version=1)
    assert isinstance(refused.value, ApplicationError)
    assert refused.value.current == {"we_did": "Mine"}
    assert (refused.value.yours, refused.value.theirs) == (1, 2)
    assert YouSaidWeDid.objects.get(pk=item.pk).we_did == "Mine"


def test_a_write_without_a_version_is_refused():
    item = YouSaidWeDidFactory()
    with pytest.raises(StaleVersion):
        model_update(instance=item, fields=["we_did"], data={"we_did": "x"}, version=None)
    assert YouSaidWeDid.objects.get(pk=item.pk).version == 1


def test_bad_values_save_nothing_and_leave_the_version():
    item = YouSaidWeDidFactory(we_did="")
    with pytest.raises(ValidationError):
        model_update(instance=item, fields=["status"], data={"status": "done"}, version=1)
    stored = YouSaidWeDid.objects.get(pk=item.pk)
    assert stored.version == 1 and stored.status != "done"


def test_an_unchanged_write_saves_nothing():
    item = YouSaidWeDidFactory()
    _, changed = model_update(
        instance=item, fields=["we_did"], data={"we_did": item.we_did}, version=1
    )
    assert not changed and YouSaidWeDid.objects.get(pk=item.pk).version == 1
