"""Schemathesis against the live API: generated requests for every operation of the published
schema, sent over loopback to a test server, must never get a 5xx and every documented
response must match the schema; and the whole engine with every check (`--checks all`: the
coverage, fuzzing and stateful phases, positive and negative data). Bounded: a few examples per
operation, no shrinking."""

import os
from pathlib import Path

import pytest
import schemathesis
from django.contrib.auth.models import Group
from hypothesis import HealthCheck, Phase, given, settings
from knox.models import AuthToken
from schemathesis.checks import CHECKS as REGISTRY
from schemathesis.checks import load_all_checks, not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from schemathesis.generation import GenerationMode
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
#: Examples per operation and phase for the run with every check (it sends many more requests
#: per example: coverage scenarios, negative data, stateful chains); FUZZ_ALL_EXAMPLES raises it.
ALL_EXAMPLES = int(os.environ.get("FUZZ_ALL_EXAMPLES", "2"))
#: What a positive answer is for positive_data_acceptance (a 422 for a missing record).
CONFIG = Path(__file__).resolve().parents[2] / "schemathesis.toml"
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


def _failures(event) -> list[str]:
    found = []
    if isinstance(event, events.ScenarioFinished):
        for case_id, checks in event.recorder.checks.items():
            for check in checks:
                if check.failure_info is None:
                    continue
                failure = check.failure_info.failure
                line = f"{event.phase.value} {event.recorder.label} {check.name}: {failure.title}"
                line += f"\n  {(failure.message or '')[:300]}"
                interaction = event.recorder.interactions.get(case_id)
                if interaction is not None and interaction.response is not None:
                    request, response = interaction.request, interaction.response
                    body = (response.content or b"")[:300]
                    line += f"\n  {request.method} {request.uri} {(request.body or b'')[:300]!r}"
                    line += f"\n  -> {response.status_code} {body!r}"
                found.append(line)
    elif isinstance(event, events.NonFatalError | events.FatalError):
        found.append(f"error: {event}")
    elif isinstance(event, events.EngineFinished):
        found += [f"after the run: {f.title}: {f.message}" for f in event.failures]
    return found


@pytest.mark.skipif(
    not os.environ.get("FUZZ_ALL"),
    reason="4 to 14 min on a 2-core machine: FUZZ_ALL=1 runs it (CI's SQLite pass does)",
)
def test_api_passes_every_check_schemathesis_has(live_server, fuzz_token):
    assert live_server.url.startswith(("http://localhost:", "http://127.0.0.1:"))
    load_all_checks()
    assert len(REGISTRY.get_all_names()) >= 14  # the checks of `--checks all` in 4.32
    config = SchemathesisConfig.from_path(CONFIG)
    api = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/", config=config)
    api.config.checks.update(included_check_names=["all"])
    api.config.generation.update(
        max_examples=ALL_EXAMPLES,
        modes=list(GenerationMode),
        deterministic=True,
        database="none",
        no_shrink=True,
    )

    # A token of its own for each request, as above: logout and logout-all are operations too.
    @api.auth(refresh_interval=None)
    class FreshToken:
        def get(self, case, context):
            return fuzz_token()

        def set(self, case, token, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Token {token}"}

    failures, finished = [], None
    for event in from_schema(api).execute():
        failures += _failures(event)
        if isinstance(event, events.EngineFinished):
            finished = event
    assert finished is not None and finished.stop_reason == "completed"
    assert not failures, "\n\n".join(failures)
