"""Approval is undone only on purpose: by an approver, with a reason kept and people told."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail

from core.roles import ADMIN, CUSTOMER_OPS
from kvis import services
from kvis.models import KVIUpdate, UpdateStatus
from kvis.services import ApplicationError, ResultInput
from kvis.tests.factories import KVIFactory, MeasureFactory

pytestmark = pytest.mark.django_db
NOV = date(2020, 11, 1)


@pytest.fixture
def submitted(ops_user):
    kvi = KVIFactory(code="KVI-04", owner=ops_user)
    m = MeasureFactory(kvi=kvi, target_value=Decimal(95))
    u = services.update_save(
        kvi=kvi,
        month=NOV,
        by=ops_user,
        last_update="x",
        drivers="",
        next_update="",
        results=[ResultInput(m.id, Decimal("96"))],
    )
    return services.update_submit(update=u, by=ops_user)


@pytest.fixture
def approved(submitted, admin_user_):
    return services.update_approve(update=submitted, by=admin_user_)


def test_the_owner_cannot_undo_an_approval(approved, ops_user):
    """Finding 6: the owner of an approved update returned it to draft in one click."""
    with pytest.raises(ApplicationError, match="only an approver"):
        services.update_return_to_draft(update=approved, by=ops_user, reason="Oops")
    assert KVIUpdate.objects.get(pk=approved.pk).status == UpdateStatus.APPROVED


def test_an_approver_undoes_it_with_a_reason_kept_and_the_owner_and_approver_emailed(
    approved, admin_user_, ops_user, django_capture_on_commit_callbacks
):
    with pytest.raises(ApplicationError, match="Say why"):
        services.update_return_to_draft(update=approved, by=admin_user_)
    with django_capture_on_commit_callbacks(execute=True):
        update = services.update_return_to_draft(
            update=approved, by=admin_user_, reason="Figures were for October"
        )
    assert update.status == UpdateStatus.DRAFT and update.approved_by is None
    latest = update.history.first()
    assert latest.history_change_reason == "Approval undone: Figures were for October"
    assert latest.history_user == admin_user_
    [message] = mail.outbox
    assert set(message.to) == {ops_user.email, admin_user_.email}
    assert "Figures were for October" in message.body


def test_the_owner_withdraws_a_submitted_update(submitted, ops_user):
    assert services.update_return_to_draft(update=submitted, by=ops_user).status == "draft"


def test_a_refused_return_answers_409_with_the_message(submitted, client_for, role_users):
    client = client_for(CUSTOMER_OPS)
    url = "/kvis/KVI-04/2020-11/return/"
    first = client.post(url, {"version": submitted.version})
    assert first.status_code == 302
    again = client.post(url, {"version": submitted.version})  # a double click
    assert again.status_code == 409
    services.update_approve(
        update=services.update_submit(
            update=KVIUpdate.objects.get(pk=submitted.pk), by=role_users[CUSTOMER_OPS]
        ),
        by=role_users[ADMIN],
    )
    current = KVIUpdate.objects.get(pk=submitted.pk)
    response = client.post(url, {"version": current.version})
    assert response.status_code == 409 and b"only an approver" in response.content
    response = client_for(ADMIN).post(url, {"version": current.version})
    assert response.status_code == 409 and b"Say why" in response.content
    response = client_for(ADMIN).post(url, {"version": current.version, "reason": "Wrong month"})
    assert response.status_code == 302
