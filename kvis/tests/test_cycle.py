"""The reporting cycle per committee and month: what an issued pack locks, and for whom."""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import Committee
from core.tests.factories import CommitteeFactory
from kvis import packs, services
from kvis.models import KVILock, KVIUpdate, Pack, PackKind, PackStatus, UpdateStatus
from kvis.services import ApplicationError
from kvis.tests.factories import KVIFactory, KVIUpdateFactory

pytestmark = pytest.mark.django_db
NOV = date(2020, 11, 1)


def ready_pack(committee: Committee, month: date = NOV, version: int = 1) -> Pack:
    """A ready issued pack with a stand-in file: distributing it needs no real PDF."""
    pack = Pack(
        kind=PackKind.ISSUED,
        committee=committee,
        month=month,
        version=version,
        status=PackStatus.READY,
        requested_at=timezone.now(),
        page_count=1,
    )
    pack.file.save(f"t-{committee.code}-{month:%Y-%m}-v{version}.pdf", ContentFile(b"%PDF-1.7"))
    return pack


@pytest.fixture
def committees(db):
    return CommitteeFactory(code="CoMC"), CommitteeFactory(code="PAC")


def test_issuing_one_committees_pack_locks_only_its_kvis(committees, admin_user_):
    """Finding 1: issuing the PAC pack locked the month for every KVI, CoMC's included."""
    comc, pac = committees
    pac_kvi = KVIFactory(code="PAC-1", committees=[pac])
    comc_kvi = KVIFactory(code="COMC-1", committees=[comc])
    submitted = KVIUpdateFactory(kvi=comc_kvi, month=NOV, status=UpdateStatus.SUBMITTED)
    KVIUpdateFactory(kvi=pac_kvi, month=NOV, status=UpdateStatus.APPROVED)
    pack = ready_pack(pac)
    packs.pack_distribute(pack=pack)

    approved = services.update_approve(update=submitted, by=admin_user_)
    assert approved.status == UpdateStatus.APPROVED
    pac_update = KVIUpdate.objects.get(kvi=pac_kvi, month=NOV)
    with pytest.raises(ApplicationError, match="November 2020 is locked for PAC-1"):
        services.update_return_to_draft(update=pac_update, by=admin_user_)
    assert {(lock.kvi.code, lock.pack_id) for lock in KVILock.objects.all()} == {("PAC-1", pack.pk)}


def test_a_kvi_reporting_to_two_committees_is_locked_by_the_first_issue(committees):
    comc, pac = committees
    shared = KVIFactory(code="BOTH-1", committees=[comc, pac])
    first = ready_pack(pac)
    packs.pack_distribute(pack=first)
    packs.pack_distribute(pack=ready_pack(comc))
    assert KVILock.objects.get(kvi=shared, month=NOV).pack == first


def test_update_rows_carry_locked_and_the_pack_that_locked_them(committees, admin_user_):
    comc, pac = committees
    comc_kvi = KVIFactory(code="COMC-1", committees=[comc])
    pac_kvi = KVIFactory(code="PAC-1", committees=[pac])
    KVIUpdateFactory(kvi=comc_kvi, month=NOV)
    KVIUpdateFactory(kvi=pac_kvi, month=NOV)
    pack = ready_pack(comc)
    packs.pack_distribute(pack=pack)
    client = APIClient()
    client.force_authenticate(admin_user_)
    row = client.get("/api/kvis/COMC-1/updates/?month=2020-11").json()["results"][0]
    assert row["locked"] is True and row["locked_by"] == pack.pk
    row = client.get("/api/kvis/PAC-1/updates/?month=2020-11").json()["results"][0]
    assert row["locked"] is False and row["locked_by"] is None
