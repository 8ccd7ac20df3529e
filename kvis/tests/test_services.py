"""Monthly updates: suggestion, override, workflow, period lock, stale versions, corrections."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.errors import StaleVersion
from kvis import services
from kvis.models import KVIUpdate, MeasureKind, MeasureResult, RagSettings, UpdateStatus
from kvis.services import ApplicationError, ResultInput
from kvis.tests.factories import KVIFactory, MeasureFactory

pytestmark = pytest.mark.django_db
NOV = date(2020, 11, 1)


@pytest.fixture
def measure():
    return MeasureFactory(kind=MeasureKind.PERCENTAGE, target_value=Decimal(95))


def save(measure, by, actual=Decimal("90.91"), **kw):
    kw.setdefault("last_update", "Survey results in.")
    kw.setdefault("drivers", "")
    kw.setdefault("next_update", "Jan'21 following Dec'20 survey")
    return services.update_save(
        kvi=measure.kvi, month=NOV, by=by, results=[ResultInput(measure.id, actual)], **kw
    )


def test_save_computes_the_suggestion_and_follows_it(measure, ops_user):
    update = save(measure, ops_user)
    assert update.suggested_rag == "amber"
    assert update.reported_rag == "amber"
    assert "4.09 points below the target of 95%" in update.suggestion_explanation
    assert update.rag_settings_version == RagSettings.objects.get().version
    assert MeasureResult.objects.get(measure=measure, month=NOV).actual == Decimal("90.91")


def test_override_without_justification_is_refused_and_nothing_is_saved(measure, ops_user):
    with pytest.raises(ApplicationError, match="write a justification"):
        save(measure, ops_user, reported_rag="green")
    assert not KVIUpdate.objects.exists()
    assert not MeasureResult.objects.exists()


def test_override_with_justification_keeps_both(measure, ops_user):
    update = save(measure, ops_user, reported_rag="green", override_justification="Survey late.")
    assert (update.suggested_rag, update.reported_rag) == ("amber", "green")
    assert update.override_justification == "Survey late."


def test_the_settings_version_is_stamped(measure, ops_user):
    RagSettings.objects.create(version=2, percentage_amber_tolerance=Decimal(2))
    update = save(measure, ops_user)
    assert update.rag_settings_version == 2
    assert update.suggested_rag == "red"  # 4.09 points is beyond a tolerance of 2


def test_workflow_draft_submitted_approved(measure, ops_user, admin_user_):
    update = save(measure, ops_user)
    update = services.update_submit(update=update, by=ops_user)
    assert update.status == UpdateStatus.SUBMITTED and update.submitted_by == ops_user
    with pytest.raises(ApplicationError, match="only a draft can be edited"):
        save(measure, ops_user)
    update = services.update_approve(update=update, by=admin_user_)
    assert update.status == UpdateStatus.APPROVED
    assert update.approved_by == admin_user_ and update.approved_at is not None
    assert update.history.count() == 3


def test_approve_needs_the_permission(measure, ops_user):
    update = services.update_submit(update=save(measure, ops_user), by=ops_user)
    with pytest.raises(ApplicationError, match=services.CANNOT_APPROVE):
        services.update_approve(update=update, by=ops_user)


def test_only_submitted_updates_can_be_approved(measure, ops_user, admin_user_):
    update = save(measure, ops_user)
    with pytest.raises(ApplicationError, match="Only a submitted update"):
        services.update_approve(update=update, by=admin_user_)


def test_a_stale_version_is_refused_with_the_current_values(measure, ops_user, pafa_user):
    update = save(measure, ops_user)
    seen = update.version
    save(measure, pafa_user, last_update="PAFA's words", version=seen)
    with pytest.raises(ApplicationError, match="Someone else changed") as exc:
        save(measure, ops_user, last_update="Ops' words", version=seen)
    assert exc.value.current["last_update"] == "PAFA's words"
    assert KVIUpdate.objects.get().last_update == "PAFA's words"


def test_a_second_first_save_of_the_month_is_refused_not_overwriting(measure, ops_user, pafa_user):
    save(measure, pafa_user, last_update="PAFA's words")
    with pytest.raises(StaleVersion, match="you had version none") as exc:
        save(measure, ops_user, last_update="Ops' words")  # no version: it read no update
    assert exc.value.current["last_update"] == "PAFA's words"
    assert KVIUpdate.objects.get().last_update == "PAFA's words"


def test_a_locked_month_refuses_every_write(measure, ops_user, admin_user_):
    update = services.update_submit(update=save(measure, ops_user), by=ops_user)
    services.period_lock(month=NOV, by=admin_user_)
    for attempt in (
        lambda: save(measure, ops_user),
        lambda: services.update_approve(update=update, by=admin_user_),
        lambda: services.update_return_to_draft(update=update, by=ops_user),
        lambda: services.result_save(measure=measure, month=NOV, actual=Decimal(99)),
        lambda: services.update_save(
            kvi=KVIFactory(), month=NOV, by=ops_user, last_update="x", drivers="", next_update=""
        ),
    ):
        with pytest.raises(ApplicationError, match="November 2020 is locked"):
            attempt()
    update.refresh_from_db()
    assert update.status == UpdateStatus.SUBMITTED
    with pytest.raises(ValidationError, match="locked"):  # the admin's path: full_clean
        update.full_clean()


def test_correction_after_issue_is_a_new_revision_and_the_original_stays(
    measure, ops_user, admin_user_
):
    update = services.update_submit(update=save(measure, ops_user), by=ops_user)
    update = services.update_approve(update=update, by=admin_user_)
    services.period_lock(month=NOV, by=admin_user_)
    with pytest.raises(ApplicationError, match="Say why"):
        services.update_correct_after_issue(update=update, by=admin_user_, reason=" ")
    correction = services.update_correct_after_issue(
        update=update, by=admin_user_, reason="Survey figure mistyped"
    )
    assert correction.revision == 2 and correction.corrected_after_issue
    assert correction.status == UpdateStatus.DRAFT
    # The correction itself is editable although the month is locked (the results are not).
    correction = services.update_save(
        kvi=measure.kvi,
        month=NOV,
        by=ops_user,
        last_update="Corrected words",
        drivers="",
        next_update="",
        version=correction.version,
    )
    assert correction.last_update == "Corrected words"
    original = KVIUpdate.objects.get(pk=update.pk)
    assert not original.is_current
    assert original.status == UpdateStatus.APPROVED
    assert original.last_update == "Survey results in."
    assert KVIUpdate.objects.current().get(kvi=measure.kvi, month=NOV) == correction


def test_correction_needs_a_locked_month(measure, ops_user, admin_user_):
    update = save(measure, ops_user)
    with pytest.raises(ApplicationError, match="is not locked"):
        services.update_correct_after_issue(update=update, by=admin_user_, reason="why")


def test_register_measures_take_their_rule_from_the_registry(ops_user):
    from kvis import registry
    from kvis.rules import Rag, Suggestion

    registry.register_rule("test.always_red", "Test", lambda month: Suggestion(Rag.RED, "red!"))
    m = MeasureFactory(kind=MeasureKind.REGISTER, rule_key="test.always_red", target_value=None)
    update = services.update_save(
        kvi=m.kvi, month=NOV, by=ops_user, last_update="x", drivers="", next_update=""
    )
    assert (update.suggested_rag, update.suggestion_explanation) == ("red", "red!")
    with pytest.raises(ApplicationError, match="computed by a register"):
        services.result_save(measure=m, month=NOV, actual=Decimal(1))


def test_a_register_rule_that_is_not_installed_says_so(ops_user):
    m = MeasureFactory(kind=MeasureKind.REGISTER, rule_key="nowhere.rule", target_value=None)
    update = services.update_save(
        kvi=m.kvi, month=NOV, by=ops_user, last_update="x", drivers="", next_update=""
    )
    assert update.suggested_rag == "not_reported"


def test_results_out_of_range_are_refused(measure, ops_user):
    with pytest.raises(ApplicationError, match="between 0 and 100"):
        services.result_save(measure=measure, month=NOV, actual=Decimal(101))


def test_rag_settings_come_from_the_data_migration_and_reading_never_writes():
    from core.models import SettingsMissing
    from kvis.selectors import rag_settings_current

    assert rag_settings_current().version == 1  # the data migration's defaults
    RagSettings.objects.all().delete()
    with pytest.raises(SettingsMissing, match="No RAG settings version exists"):
        rag_settings_current()
    assert not RagSettings.objects.exists()
