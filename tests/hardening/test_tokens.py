"""API tokens end: each login gets a new one with an expiry, logout revokes it, logout-all and
a password change revoke them all, and the user (tokens page) or an admin can revoke them."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from conftest import PASSWORD
from core.roles import ADMIN, CUSTOMER_OPS

pytestmark = pytest.mark.django_db

ISSUES = "/api/issues/"


def _login(username: str) -> dict:
    response = APIClient().post("/api/auth/token/", {"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()


def _works(token: str) -> bool:
    status = APIClient().get(ISSUES, HTTP_AUTHORIZATION=f"Token {token}").status_code
    assert status in (200, 401)
    return status == 200


def test_each_login_gets_a_new_token_with_its_expiry(ops_user):
    first, second = _login(ops_user.username), _login(ops_user.username)
    assert first["token"] != second["token"]
    expiry = timezone.datetime.fromisoformat(first["expiry"])
    assert timezone.now() < expiry <= timezone.now() + timedelta(hours=12)
    assert _works(first["token"]) and _works(second["token"])


def test_tokens_are_stored_hashed(ops_user):
    token = _login(ops_user.username)["token"]
    stored = AuthToken.objects.get(user=ops_user)
    assert token not in stored.digest and len(stored.digest) == 128


def test_an_expired_token_no_longer_works(ops_user):
    token = _login(ops_user.username)["token"]
    AuthToken.objects.filter(user=ops_user).update(expiry=timezone.now() - timedelta(seconds=1))
    assert not _works(token)


def test_logout_revokes_that_token_only(ops_user):
    kept, ended = _login(ops_user.username)["token"], _login(ops_user.username)["token"]
    response = APIClient().post("/api/auth/logout/", HTTP_AUTHORIZATION=f"Token {ended}")
    assert response.status_code == 204
    assert not _works(ended) and _works(kept)


def test_logout_all_revokes_every_token_of_the_user(ops_user, admin_user_):
    mine = [_login(ops_user.username)["token"] for _ in range(2)]
    theirs = _login(admin_user_.username)["token"]
    response = APIClient().post("/api/auth/logout-all/", HTTP_AUTHORIZATION=f"Token {mine[0]}")
    assert response.status_code == 204
    assert not any(_works(t) for t in mine)
    assert _works(theirs)


def test_changing_the_password_on_the_page_revokes_the_tokens(client_for, ops_user):
    token = _login(ops_user.username)["token"]
    client = client_for(CUSTOMER_OPS)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-42",
            "new_password2": "a-new-long-passphrase-42",
        },
    )
    assert response.status_code == 302, response.content
    assert not _works(token)
    assert client.get("/issues/").status_code == 200  # this session goes on


def test_a_password_set_anywhere_else_revokes_the_tokens_too(ops_user):
    token = _login(ops_user.username)["token"]
    user = get_user_model().objects.get(pk=ops_user.pk)
    user.set_password("set-by-an-admin-1234")
    user.save()
    assert not _works(token)


def test_the_user_sees_and_revokes_their_own_tokens_on_the_tokens_page(client_for, ops_user):
    first, second = _login(ops_user.username)["token"], _login(ops_user.username)["token"]
    page = client_for(CUSTOMER_OPS)
    response = page.get("/accounts/tokens/")
    assert response.status_code == 200
    assert list(response.context["tokens"]) == list(AuthToken.objects.order_by("-created"))
    digest = AuthToken.objects.order_by("created").first().digest
    response = page.post("/accounts/tokens/", {"digest": digest}, follow=True)
    assert b"no longer works" in response.content
    assert not _works(first) and _works(second)
    page.post("/accounts/tokens/", {"all": "1"})
    assert not _works(second)


def test_nobody_revokes_another_users_token_from_their_page(client_for, admin_user_):
    token = _login(admin_user_.username)["token"]
    digest = AuthToken.objects.get(user=admin_user_).digest
    client_for(CUSTOMER_OPS).post("/accounts/tokens/", {"digest": digest})
    assert _works(token)


def test_an_admin_revokes_a_token_in_the_django_admin(client_for, ops_user):
    token = _login(ops_user.username)["token"]
    digest = AuthToken.objects.get(user=ops_user).digest
    admin = client_for(ADMIN)
    assert admin.get("/admin/knox/authtoken/").status_code == 200
    response = admin.post(f"/admin/knox/authtoken/{digest}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not _works(token)


def test_the_account_menu_links_the_password_and_token_pages(client_for):
    html = client_for(CUSTOMER_OPS).get("/issues/").content.decode()
    assert 'href="/accounts/password/"' in html and 'href="/accounts/tokens/"' in html


def test_tokens_issued_by_changepassword_command_are_revoked(ops_user, monkeypatch):
    token = _login(ops_user.username)["token"]
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "changed-by-command-77")
    call_command("changepassword", ops_user.username)
    assert not _works(token)


def test_token_logins_are_throttled_like_the_login_page(settings, ops_user):
    settings.AXES_ENABLED = True
    assert "expiry" in _login(ops_user.username)  # a good password with throttling on
    client = APIClient(REMOTE_ADDR="10.0.0.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        bad = {"username": ops_user.username, "password": "guess"}
        assert client.post("/api/auth/token/", bad).status_code in (401, 429)
    good = {"username": ops_user.username, "password": PASSWORD}
    assert client.post("/api/auth/token/", good).status_code in (401, 403, 429)
