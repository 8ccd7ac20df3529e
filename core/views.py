from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import selectors
from core.roles import PARTY_HOME, ROLE_HOME, user_roles


def home(request: HttpRequest) -> HttpResponse:
    """Send each user to the page their role works from."""
    roles = user_roles(request.user)
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
