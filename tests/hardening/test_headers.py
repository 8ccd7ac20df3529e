"""Response headers: a Content-Security-Policy allowing only the site's own files, a
Permissions-Policy, and `Cache-Control: no-store` on everything a logged-in user or a token
gets (pages, API, pack PDFs, evidence files), but not on static files or the login page."""

import pytest
from django.test import Client

from core.roles import ADMIN, CUSTOMER_OPS

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in (p.strip() for p in header.split(";"))
        if part
    }


def test_pages_carry_a_content_security_policy_of_the_sites_own_files(client_for):
    policy = _policy(client_for(CUSTOMER_OPS).get("/issues/"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in " ".join(policy.values())


def test_the_login_page_has_the_policy_too(client):
    assert _policy(client.get("/accounts/login/"))["default-src"] == "'self'"


def test_pages_carry_a_permissions_policy(client_for):
    header = client_for(CUSTOMER_OPS).get("/issues/")["Permissions-Policy"]
    assert "camera=()" in header and "geolocation=()" in header and "microphone=()" in header


def test_no_page_template_has_inline_script_or_style():
    """The policy would block them; the charts' data is JSON (json_script), not a script."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    inline = re.compile(r"<style|\sstyle=|<script>|<script(?![^>]*\b(src|type)=)|\son[a-z]+=")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if "pack" not in path.parts  # printed by WeasyPrint, never served
        and inline.search(path.read_text())
    ]
    assert not offenders


@pytest.mark.parametrize(
    "path", ["/issues/", "/kvis/", "/plans/", "/surveys/", "/api/issues/", "/api/breaches/"]
)
def test_a_logged_in_answer_is_never_stored(client_for, path):
    response = client_for(ADMIN).get(path)
    assert response.status_code in (200, 302)
    assert response["Cache-Control"] == "no-store"


def test_a_token_answer_is_never_stored(api_for):
    response = api_for(CUSTOMER_OPS).get("/api/issues/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_static_files_may_be_cached_even_for_a_logged_in_user(settings, ops_user):
    settings.WHITENOISE_USE_FINDERS = True  # serve static/ without collectstatic
    settings.WHITENOISE_AUTOREFRESH = True
    client = Client()
    client.force_login(ops_user)
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_login_page_keeps_djangos_own_cache_header(client):
    # LoginView is never_cache: "max-age=0, no-cache, no-store, …", not our bare "no-store".
    assert client.get("/accounts/login/")["Cache-Control"] != "no-store"


def test_the_api_docs_set_up_swagger_ui_from_a_file(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"<script>" not in response.content  # Swagger UI's set-up is a file, not inline
