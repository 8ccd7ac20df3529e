"""Two issues logged at the same moment: both get a reference, neither gets a 500.

Found by `make soak`: the second save's model validation saw the first one's freshly
committed reference and failed with a ValidationError (not retried, and then a 500 in the
view) instead of the IntegrityError the retry loop expects. The race is reproduced here by
handing the second save the reference the first one just took.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from core.roles import CUSTOMER_OPS
from issues import references, services
from issues.models import Issue

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def _log(by, title):
    return services.issue_create(
        title=title,
        description="x",
        category="data",
        identified_by="provider",
        identified_at=datetime(2021, 6, 14, 10, tzinfo=LONDON),
        owner=by,
        by=by,
    )


def test_a_reference_taken_by_a_concurrent_save_is_retried(ops_user, monkeypatch):
    first = _log(ops_user, "first")
    real, calls = references.next_reference, []

    def stale_then_real(model, prefix, year):
        calls.append(prefix)
        return first.reference if len(calls) == 1 else real(model, prefix, year)

    monkeypatch.setattr(references, "next_reference", stale_then_real)
    second = _log(ops_user, "second")
    assert len(calls) == 2, "the taken reference was not retried"
    assert second.reference != first.reference
    assert set(Issue.objects.values_list("title", flat=True)) == {"first", "second"}


def test_a_model_error_on_a_field_the_form_lacks_is_shown_not_a_500(
    client_for, ops_user, monkeypatch
):
    def refuse(**kwargs):
        raise ValidationError({"reference": ["Issue with this Reference already exists."]})

    monkeypatch.setattr(services, "issue_create", refuse)
    response = client_for(CUSTOMER_OPS).post(
        "/issues/new/",
        {
            "title": "t",
            "description": "x",
            "category": "data",
            "identified_by": "provider",
            "identified_at": "2021-06-14T10:00",
            "mprns_affected": "1",
            "owner": ops_user.pk,
        },
    )
    assert response.status_code in (200, 400)  # the form again, with the error above it
    assert b"Issue with this Reference already exists." in response.content
