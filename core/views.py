"""Pages of the shared records (home, health) and the one base of every app's form pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import FormView

from core import selectors
from core.errors import ApplicationError, StaleVersion
from core.roles import PARTY_HOME, ROLE_HOME, home_for, user_roles


def home(request: HttpRequest) -> HttpResponse:
    """Send each user to the page their role works from."""
    roles = user_roles(request.user)
    if first := home_for(request.user):
        return redirect(first)
    if request.user.is_superuser and not roles:
        return redirect("kvis:dashboard")
    for role in roles:
        return redirect(ROLE_HOME[role])
    if request.user.organisations.filter(is_party=True).exists():
        return redirect(PARTY_HOME)  # a party's own people see their plans
    return redirect("no_role")


def no_role(request: HttpRequest) -> HttpResponse:
    from django.shortcuts import render

    return render(request, "core/no_role.html", status=403)


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not; reports the broker when one is set."""
    database_ok = selectors.database_answers()
    body: dict = {"status": "ok" if database_ok else "unavailable", "database": database_ok}
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        body["broker"] = selectors.broker_answers(settings.CELERY_BROKER_URL)
        if database_ok:
            beat = selectors.last_worker_heartbeat()
            body["last_worker_heartbeat"] = beat.beat_at.isoformat() if beat else None
    else:
        body["broker"] = "in-process"
    return JsonResponse(body, status=200 if database_ok else 503)


class ServiceFormView(PermissionRequiredMixin, FormView):
    """A form whose valid data goes to one service (`perform`), the one base of every app's
    form pages.

    A service's refusal (ApplicationError) comes back on the form with status 409: on its field
    when it names one the form shows (visibly), else above the form, and with the record's current
    values (`conflict_current`) beside what the user typed, so nothing typed is lost. A model's
    ValidationError comes back on the form's fields (400), never as a 500.
    """

    template_name = "core/form.html"
    heading = ""
    success_message = "Saved."

    def perform(self, form):
        """Call the service with the form's data; return the saved object (or None)."""
        raise NotImplementedError

    def success_url_for(self, obj) -> str:
        return obj.get_absolute_url()

    def success_message_for(self, obj) -> str:
        """The message shown after a save (`success_message` unless a view says more)."""
        return self.success_message

    def conflict_rows(self, form, current: dict | None) -> list[dict]:
        """What the user typed beside the record's current values (core/_conflict_current)."""
        return conflict_rows(form, current or {})

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, **kwargs)

    def form_valid(self, form):
        try:
            obj = self.perform(form)
        except ApplicationError as error:
            shown = error.field in form.fields and not form.fields[error.field].widget.is_hidden
            field = error.field if shown else None  # a hidden field's error would go unseen
            form.add_error(field, error.message)
            if isinstance(error, StaleVersion) and "version" in form.fields:
                # Saving again after comparing keeps the user's values over the current ones.
                form.data = form.data.copy()
                form.data["version"] = error.theirs
            return self.refuse(
                form,
                status=409,
                conflict_current=error.current,
                conflict_rows=self.conflict_rows(form, error.current),
            )
        except ValidationError as error:
            by_field = error.error_dict if hasattr(error, "error_dict") else {None: error.messages}
            for name, errors in by_field.items():
                form.add_error(name if name in form.fields else None, errors)
            return self.refuse(form, status=400)
        message = self.success_message_for(obj)
        if message:
            messages.success(self.request, message)
        return redirect(self.success_url_for(obj))

    def refuse(self, form, *, status: int, **context):
        """The form again, with its errors and what the user typed, under `status`."""
        return self.render_to_response(self.get_context_data(form=form, **context), status=status)


def conflict_rows(form, current: dict) -> list[dict]:
    """Each field of a refused stale save as the user typed it beside what is saved now."""
    rows = []
    for name, theirs in current.items():
        if name == "version":
            continue
        field = form.fields.get(name)
        yours = _shown(field, form[name].value()) if field else None
        rows.append(
            {
                "label": field.label
                if field and field.label
                else name.replace("_", " ").capitalize(),
                "yours": yours,
                "theirs": theirs,
                "differs": field is not None and str(yours) != str(theirs),
            }
        )
    return rows


def _shown(field, value):
    """A form value as its field shows it: a choice by its label."""
    choices = getattr(field, "choices", None)
    if choices is None or value in (None, ""):
        return value
    labels = {str(key): label for key, label in choices}
    if isinstance(value, list | tuple):
        return ", ".join(labels.get(str(v), str(v)) for v in value)
    return labels.get(str(value), value)
