"""Schemathesis against the live API: generated requests for every operation of the published
schema, sent over loopback to a test server, must never get a 5xx and every documented
response must match the schema. Bounded: a few examples per operation, no shrinking."""

import os

import pytest
import schemathesis
from django.contrib.auth.models import Group
from hypothesis import HealthCheck, Phase, given, settings
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core.roles import ADMIN
from core.tests.factories import CommitteeFactory
from issues.tests.factories import BreachFactory, CommunicationFactory, IssueFactory
from kvis.tests.factories import KVIFactory, MeasureFactory
from performance_plans.tests.factories import PlanFactory
from surveys.tests.factories import CategoryScoreFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.fuzz]

#: Examples per operation (no shrinking: the first failure is reported); FUZZ_EXAMPLES raises
#: it for a longer run.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def fuzz_token(django_user_model):
    """An Admin (the widest role), one record of each kind to read, and a maker of tokens: each
    operation gets its own, so that logging out (one of the operations) revokes only that."""
    user = django_user_model.objects.create_user("fuzz", password="x")
    user.groups.add(Group.objects.get(name=ADMIN))
    IssueFactory(impact=2, financial=3)
    BreachFactory(severity="critical")
    CommunicationFactory()
    kvi = KVIFactory(code="KVI-01")
    kvi.committees.add(CommitteeFactory())
    MeasureFactory(kvi=kvi)
    CategoryScoreFactory()
    PlanFactory()
    return lambda: AuthToken.objects.create(user=user)[1]


def _fuzz(operation, token: str) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)

    run()


def test_api_never_errors_and_keeps_to_its_schema(live_server, fuzz_token):
    # Loopback only: the test server of pytest-django.
    assert live_server.url.startswith(("http://localhost:", "http://127.0.0.1:"))
    api = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    failures, tried = [], 0
    for result in api.get_all_operations():
        operation = result.ok()
        tried += 1
        try:
            _fuzz(operation, fuzz_token())
        except Exception as error:  # report every operation's failure, not just the first
            failures.append(f"{operation.label}: {error}")
    assert tried >= 20, f"only {tried} operations in the schema"
    assert not failures, "\n\n".join(failures)
