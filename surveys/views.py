"""Views: thin adapters over the selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView, View
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from core.exports import TableExportMixin
from core.views import ServiceFormView
from surveys import charts, selectors, services
from surveys.filters import FeedbackFilter, kvi_year_choices
from surveys.forms import AsOfForm, FeedbackForm, ImportForm, RoundForm
from surveys.models import Round, Survey, YouSaidWeDid
from surveys.tables import FeedbackTable


class SurveyIndexView(PermissionRequiredMixin, TemplateView):
    """Every survey: the latest round by category with change, target and RAG, the year to
    date, and the trend of the rounds against the target."""

    permission_required = "surveys.view_round"
    template_name = "surveys/index.html"

    def get_context_data(self, **kwargs):
        as_of_form = AsOfForm(self.request.GET or None)
        month = as_of_form.cleaned_data["month"] if as_of_form.is_valid() else None
        as_of = selectors.month_end(month) if month else timezone.localdate()
        trends = selectors.survey_trends(as_of=as_of)
        settings = selectors.current_settings()
        return super().get_context_data(
            as_of_form=as_of_form,
            as_of=as_of,
            trends=trends,
            charts=[{"id": f"chart-{t.survey.key}", "data": t.chart_data()} for t in trends],
            tolerance=settings.amber_tolerance,
            settings_version=settings.version,
            **kwargs,
        )


class SurveyChartView(PermissionRequiredMixin, View):
    """The trend chart of a survey as SVG (the same drawing the committee pack embeds)."""

    permission_required = "surveys.view_round"

    def get(self, request, key: str):
        survey = selectors.survey_by_key(key)
        if survey is None:
            raise Http404("No such survey.")
        trend = selectors.survey_trend(survey, as_of=timezone.localdate())
        if not trend.rounds:
            raise Http404("This survey has no rounds yet.")
        return HttpResponse(charts.trend_svg(trend.chart_data()), content_type="image/svg+xml")


class RoundDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = "surveys.view_round"
    template_name = "surveys/round_detail.html"

    def get_context_data(self, **kwargs):
        try:
            round = selectors.round_detail(self.kwargs["pk"])
        except Round.DoesNotExist as exc:
            raise Http404("No such round.") from exc
        trend = selectors.survey_trend(round.survey, as_of=round.held_on)
        row = next(r for r in trend.rounds if r.round.pk == round.pk)
        return super().get_context_data(
            round=round,
            row=row,
            trend=trend,
            responses=round.responses.count(),
            feedback=selectors.feedback().filter(round=round),
            **kwargs,
        )


class RoundFormView(ServiceFormView):
    """A round and its scores; a refusal (a stale version, a missing headline score) answers
    409 with the form and the round's current values."""

    form_class = RoundForm
    template_name = "surveys/round_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "survey": self.survey}

    def get_context_data(self, **kwargs):
        return super().get_context_data(survey=self.survey, **kwargs)

    def success_message_for(self, round) -> str:
        return f"Saved the {round}."

    def success_url_for(self, round) -> str:
        return reverse("surveys:round_detail", args=[round.pk])


class RoundCreateView(RoundFormView):
    permission_required = "surveys.add_round"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.survey = get_object_or_404(Survey, key=kwargs["key"])

    def get_initial(self):
        return {"target": self.survey.default_target}

    def perform(self, form):
        return services.round_create(
            survey=self.survey, user=self.request.user, **form.service_kwargs()
        )


class RoundUpdateView(RoundFormView):
    permission_required = "surveys.change_round"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.round = get_object_or_404(Round.objects.select_related("survey"), pk=kwargs["pk"])
        self.survey = self.round.survey

    def get_initial(self):
        return RoundForm.initial_for(self.round)

    def get_context_data(self, **kwargs):
        return super().get_context_data(round=self.round, **kwargs)

    def perform(self, form):
        return services.round_update(
            round=self.round,
            version=form.cleaned_data["version"],
            user=self.request.user,
            **form.service_kwargs(),
        )


class RoundImportView(PermissionRequiredMixin, FormView):
    """Upload responses: a dry-run preview with every error by row and column first; the
    import runs only from a preview without errors."""

    permission_required = "surveys.add_response"
    form_class = ImportForm
    template_name = "surveys/round_import.html"

    def dispatch(self, request, *args, **kwargs):
        self.round = get_object_or_404(
            Round.objects.select_related("survey").prefetch_related("survey__questions"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            round=self.round, questions=self.round.survey.questions.all(), **kwargs
        )

    def form_valid(self, form):
        content = form.cleaned_data["content"]
        dry_run = "import" not in self.request.POST
        preview = services.round_import_responses(
            round=self.round, data=content, dry_run=dry_run, user=self.request.user
        )
        if preview.imported:
            messages.success(
                self.request,
                f"Imported {len(preview.rows)} responses; the round's scores now come from them.",
            )
            return redirect("surveys:round_detail", pk=self.round.pk)
        text = ""
        if preview.is_valid:  # the confirm button posts the same text back to import it
            text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
        confirm = ImportForm(initial={"csv_text": text})
        return self.render_to_response(
            self.get_context_data(form=confirm, preview=preview, confirm=preview.is_valid)
        )


class FeedbackListView(PermissionRequiredMixin, TableExportMixin, SingleTableMixin, FilterView):
    """The "You said, we did" log, per KVI year (the latest year with items by default)."""

    permission_required = "surveys.view_yousaidwedid"
    table_class = FeedbackTable
    filterset_class = FeedbackFilter
    template_name = "surveys/feedback_list.html"
    export_name = "you-said-we-did"

    def get_queryset(self):
        return selectors.feedback()

    def get_table_kwargs(self):
        if self.request.user.has_perm("surveys.change_yousaidwedid"):
            return {}
        return {"exclude": ("edit",)}

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        choices = kvi_year_choices()
        if "kvi_year" not in self.request.GET and choices:
            data = self.request.GET.copy()
            data["kvi_year"] = choices[0][0]
            kwargs["data"] = data
        return kwargs


class FeedbackFormView(ServiceFormView):
    form_class = FeedbackForm
    template_name = "surveys/feedback_form.html"
    success_message = "Saved the feedback item."

    def success_url_for(self, item) -> str:
        return reverse("surveys:feedback_list")


class FeedbackCreateView(FeedbackFormView):
    permission_required = "surveys.add_yousaidwedid"

    def get_initial(self):
        return {"raised_on": timezone.localdate()}

    def perform(self, form):
        return services.feedback_create(user=self.request.user, **form.service_kwargs())


class FeedbackUpdateView(FeedbackFormView):
    permission_required = "surveys.change_yousaidwedid"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.item = get_object_or_404(YouSaidWeDid, pk=kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.item}

    def get_context_data(self, **kwargs):
        return super().get_context_data(item=self.item, **kwargs)

    def perform(self, form):
        return services.feedback_update(
            item=self.item,
            version=form.cleaned_data["version"],
            user=self.request.user,
            **form.service_kwargs(),
        )
