"""Two users save the same KVI update or plan at the same moment, on two real PostgreSQL
connections: the first save wins, the second is refused with the current values, and nothing
is silently overwritten.

The race is made deterministic: the first writer saves inside a transaction it keeps open
until the database shows the second writer waiting on the row lock; only then does the first
commit. Without `select_for_update` the second writer would read the old version, pass the
version check and overwrite the first one's work once the lock was released.
"""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from core.errors import STALE_VERSION
from kvis import services as kvi_services
from kvis.models import KVIUpdate
from kvis.tests.factories import MeasureFactory
from performance_plans import services as plan_services
from performance_plans.models import Plan
from performance_plans.tests.factories import PlanFactory

pytestmark = pytest.mark.django_db(transaction=True)

NOV = KVIUpdate._meta.get_field("month").to_python("2020-11-01")


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks between two connections need PostgreSQL (.ci/run has it)")


def _waiting_on_a_lock() -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def race(first, second) -> dict:
    """Run `first` in a transaction held open until `second` (another connection) is blocked
    on a lock, then commit; returns each side's result or exception."""
    outcome: dict = {}
    first_saved, release = threading.Event(), threading.Event()

    def run_first():
        try:
            with transaction.atomic():
                outcome["first"] = first()
                first_saved.set()
                assert release.wait(30), "the second writer never blocked"
        except Exception as exc:
            outcome["first"] = exc
            first_saved.set()
        finally:
            connections.close_all()

    def run_second():
        try:
            outcome["second"] = second()
        except Exception as exc:
            outcome["second"] = exc
        finally:
            connections.close_all()

    a = threading.Thread(target=run_first)
    a.start()
    assert first_saved.wait(30)
    b = threading.Thread(target=run_second)
    b.start()
    deadline = time.monotonic() + 20
    while not _waiting_on_a_lock() and b.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    outcome["second_blocked"] = b.is_alive() and _waiting_on_a_lock()
    release.set()
    a.join(30)
    b.join(30)
    return outcome


def test_two_users_save_the_same_kvi_update_at_once(ops_user, pafa_user):
    m = MeasureFactory(kvi__code="KVI-05", target_value=Decimal(95))
    base = kvi_services.update_save(
        kvi=m.kvi, month=NOV, by=ops_user, last_update="opened by both", drivers="", next_update=""
    )

    def save(text, by):
        return lambda: kvi_services.update_save(
            kvi=m.kvi,
            month=NOV,
            by=by,
            last_update=text,
            drivers="",
            next_update="",
            version=base.version,
        )

    outcome = race(save("ops wrote this", ops_user), save("pafa wrote this", pafa_user))

    assert outcome["second_blocked"], "the second save did not wait for the first one's lock"
    assert isinstance(outcome["first"], KVIUpdate), outcome["first"]
    refused = outcome["second"]
    assert isinstance(refused, kvi_services.ApplicationError), refused
    assert refused.message == kvi_services.STALE_VERSION.format(
        yours=base.version, theirs=base.version + 1
    )
    assert refused.current["last_update"] == "ops wrote this"
    saved = KVIUpdate.objects.get()
    assert (saved.last_update, saved.version) == ("ops wrote this", base.version + 1)
    assert saved.history.count() == 2  # the first save and the winner; the loser left nothing


def test_two_users_edit_the_same_plan_at_once(pafa_user, admin_user_):
    plan = PlanFactory(title="Original")

    def edit(title, by):
        return lambda: plan_services.plan_update(
            plan=plan, version=plan.version, changes={"title": title}, by=by
        )

    outcome = race(edit("PAFA's title", pafa_user), edit("Admin's title", admin_user_))

    assert outcome["second_blocked"], "the second edit did not wait for the first one's lock"
    assert isinstance(outcome["first"], Plan), outcome["first"]
    refused = outcome["second"]
    assert isinstance(refused, plan_services.StaleVersion), refused
    assert (refused.yours, refused.theirs) == (plan.version, plan.version + 1)
    assert refused.message == STALE_VERSION.format(yours=plan.version, theirs=plan.version + 1)
    assert refused.current["title"] == "PAFA's title"
    plan.refresh_from_db()
    assert (plan.title, plan.version) == ("PAFA's title", 2)


def test_many_issues_logged_at_once_all_get_distinct_references(ops_user):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from issues import services as issue_services
    from issues.models import Issue

    start, results = threading.Barrier(12), []

    def log(n):
        try:
            start.wait(10)
            results.append(
                issue_services.issue_create(
                    title=f"at once {n}",
                    description="x",
                    category="data",
                    identified_by="provider",
                    identified_at=datetime(2021, 6, 14, 10, tzinfo=ZoneInfo("Europe/London")),
                    owner=ops_user,
                    by=ops_user,
                ).reference
            )
        except Exception as exc:
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=log, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    failures = [r for r in results if isinstance(r, Exception)]
    assert not failures, failures
    assert len(set(results)) == 12 == Issue.objects.count()


def test_two_users_create_the_first_update_of_a_month_at_once(ops_user, pafa_user):
    m = MeasureFactory(kvi__code="KVI-05", target_value=Decimal(95))

    def create(text, by):
        return lambda: kvi_services.update_save(
            kvi=m.kvi, month=NOV, by=by, last_update=text, drivers="", next_update=""
        )

    outcome = race(create("ops wrote this", ops_user), create("pafa wrote this", pafa_user))

    assert outcome["second_blocked"], "the second creation did not wait for the first one"
    assert isinstance(outcome["first"], KVIUpdate), outcome["first"]
    refused = outcome["second"]
    assert isinstance(refused, kvi_services.ApplicationError), refused
    assert refused.current["last_update"] == "ops wrote this"
    saved = KVIUpdate.objects.get()
    assert (saved.last_update, saved.version) == ("ops wrote this", 1)
