"""My updates: a KVI owner's page for the next meeting, every KVI's figures and narrative in
one form (each saved as a draft through the kvis services, with its live suggested RAG),
submitted together or one by one."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from core.calendar import localdate
from core.errors import ApplicationError
from kvis import selectors as kvi_selectors
from kvis import services as kvi_services
from kvis.forms import UpdateForm
from kvis.models import KVI, MeasureResult
from meetings import selectors
from meetings.models import Meeting
from meetings.selectors import MyUpdateRow

SAVED = "Saved {count} draft(s)."
SUBMITTED = "Submitted {codes} for approval."
NOTHING_TO_SAVE = "Nothing was changed."


@dataclass
class Entry:
    """A row of My updates with its form (None when the update is no longer the owner's to
    edit) and the suggestion its figures give."""

    row: MyUpdateRow
    form: UpdateForm | None
    suggestion: object


def _prefix(kvi: KVI) -> str:
    return f"kvi{kvi.pk}"


def _form(row: MyUpdateRow, month, data=None) -> UpdateForm:
    """The kvis update form for one KVI, prefixed; a KVI not started starts from last
    month's text."""
    kvi = row.kvi
    start = row.update or row.previous
    initial = {}
    if start is not None:
        initial = {
            "last_update": start.last_update,
            "drivers": start.drivers,
            "next_update": start.next_update,
        }
    if row.update is not None:
        initial.update(
            version=row.update.version,
            figures=row.update.figures,
            reported_rag=row.update.reported_rag if row.update.is_overridden else "",
            override_justification=row.update.override_justification,
        )
    return UpdateForm(
        data,
        prefix=_prefix(kvi),
        initial=initial,
        measures=list(kvi.measures.all()),
        results=kvi_selectors.results_by_measure(kvi, month),
    )


def preview_suggestion(kvi: KVI, month, form: UpdateForm):
    """The suggestion the form's figures would give, without saving anything."""
    results = kvi_selectors.results_by_measure(kvi, month)
    form.is_valid()  # the figures typed so far, even while the narrative is still empty
    if getattr(form, "cleaned_data", None):
        for item in form.result_inputs():
            results[item.measure_id] = MeasureResult(
                measure_id=item.measure_id, month=month, actual=item.actual, met_on=item.met_on
            )
    return kvi_selectors.kvi_suggestion(kvi, month, results)[0]


def _committees(user) -> set:
    return {c for kvi in selectors.owned_kvis(user) for c in kvi.committees.all()}


def _meeting_for(request) -> Meeting | None:
    committees = _committees(request.user)
    chosen = request.GET.get("meeting") or request.POST.get("meeting")
    if chosen:
        try:
            return selectors.meetings_list().get(pk=int(chosen), committee__in=committees)
        except (ValueError, Meeting.DoesNotExist) as exc:
            raise Http404("No such meeting of your committees.") from exc
    return selectors.next_meeting(committees, localdate())


class MyUpdatesView(PermissionRequiredMixin, View):
    """GET: my KVIs for the next meeting; POST: save every changed one as a draft, and submit
    all drafts ("submit") or one ("submit_one" = KVI id)."""

    permission_required = "kvis.change_kviupdate"
    template_name = "meetings/my_updates.html"

    def _entries(self, rows, month, data=None) -> list[Entry]:
        entries = []
        for row in rows:
            form = _form(row, month, data) if row.editable else None
            suggestion = (
                preview_suggestion(row.kvi, month, form)
                if form is not None and data is not None
                else kvi_selectors.kvi_suggestion(row.kvi, month)[0]
            )
            entries.append(Entry(row, form, suggestion))
        return entries

    def _render(self, request, meeting, entries, status=200):
        context = {"meeting": meeting, "entries": entries}
        if meeting is not None:
            today = localdate()
            context.update(
                submission=selectors.deadline(meeting.submission_deadline, today),
                upcoming=selectors.upcoming_meetings(_committees(request.user), today),
                states=_state_counts(entries),
            )
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        meeting = _meeting_for(request)
        if meeting is None:
            return self._render(request, None, [])
        rows = selectors.my_updates(request.user, meeting)
        return self._render(request, meeting, self._entries(rows, meeting.month_reviewed))

    def post(self, request):
        meeting = _meeting_for(request)
        if meeting is None:
            raise Http404("No meeting is scheduled.")
        month = meeting.month_reviewed
        rows = selectors.my_updates(request.user, meeting)
        entries = self._entries(rows, month, request.POST)
        submit_one = request.POST.get("submit_one")
        to_submit = {
            e.row.kvi.pk
            for e in entries
            if e.form is not None and ("submit" in request.POST or str(e.row.kvi.pk) == submit_one)
        }
        changed = [
            e
            for e in entries
            if e.form is not None and (e.form.has_changed() or e.row.kvi.pk in to_submit)
        ]
        if not all(e.form.is_valid() for e in changed):
            return self._render(request, meeting, entries, status=400)
        try:
            saved, submitted = _save_and_submit(changed, month, request.user, to_submit)
        except _Refused as refused:
            refused.entry.form.add_error(None, refused.error.message)
            return self._render(request, meeting, entries, status=409)
        if saved:
            messages.success(request, SAVED.format(count=len(saved)))
        if submitted:
            messages.success(request, SUBMITTED.format(codes=", ".join(submitted)))
        if not saved and not submitted:
            messages.info(request, NOTHING_TO_SAVE)
        return redirect(reverse("meetings:my_updates") + f"?meeting={meeting.pk}")


class _Refused(Exception):
    def __init__(self, entry: Entry, error: ApplicationError):
        self.entry, self.error = entry, error


@transaction.atomic
def _save_and_submit(entries: list[Entry], month, by, to_submit: set[int]):
    """Save each entry as a draft and submit those asked for, all or nothing: a refusal of
    one (a stale version, a locked month) saves none."""
    saved, submitted = [], []
    for entry in entries:
        form, kvi = entry.form, entry.row.kvi
        data = form.cleaned_data
        try:
            update = kvi_services.update_save(
                kvi=kvi,
                month=month,
                by=by,
                last_update=data["last_update"],
                drivers=data["drivers"],
                next_update=data["next_update"],
                figures=data["figures"],
                reported_rag=data["reported_rag"] or None,
                override_justification=data["override_justification"],
                results=form.result_inputs(),
                version=data.get("version"),
            )
            saved.append(kvi.code)
            if kvi.pk in to_submit:
                kvi_services.update_submit(update=update, by=by)
                submitted.append(kvi.code)
        except ApplicationError as error:
            raise _Refused(entry, error) from error
    return saved, submitted


def _state_counts(entries: list[Entry]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.row.state] = counts.get(e.row.state, 0) + 1
    return counts


class MyUpdatePreviewView(PermissionRequiredMixin, View):
    """htmx: one KVI's suggested RAG for the figures being typed on My updates."""

    permission_required = "kvis.change_kviupdate"

    def post(self, request, meeting_pk: int, kvi_pk: int):
        try:
            kvi = selectors.owned_kvis(request.user).get(pk=kvi_pk)
            meeting = selectors.meeting_detail(meeting_pk)
        except (KVI.DoesNotExist, Meeting.DoesNotExist) as exc:
            raise Http404("Not one of your KVIs.") from exc
        month = meeting.month_reviewed
        form = UpdateForm(
            request.POST,
            prefix=_prefix(kvi),
            measures=list(kvi.measures.all()),
            results=kvi_selectors.results_by_measure(kvi, month),
        )
        return render(
            request,
            "meetings/_suggestion.html",
            {"kvi": kvi, "suggestion": preview_suggestion(kvi, month, form)},
        )
