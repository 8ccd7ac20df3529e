import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo data, loaded once per module inside a transaction that is rolled back after
    it; each test runs in its own savepoint within it (loading takes seconds)."""
    from io import StringIO

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)
