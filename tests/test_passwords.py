"""Passwords are stored with Argon2id at OWASP's parameters (core/passwords.py); a hash
stored before (PBKDF2) still logs its user in and is re-hashed with Argon2id then."""

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.test import Client

from kvi_portal import settings as project_settings

pytestmark = pytest.mark.django_db

PASSWORD = "a-committee-password-2020"


@pytest.fixture
def project_hashers(settings):
    """The project's hashers (the suite's conftest swaps in a fast one for every test)."""
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def test_a_new_password_is_argon2id_at_owasps_parameters(project_hashers):
    stored = make_password(PASSWORD)
    assert stored.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password(PASSWORD, stored)
    assert not check_password("wrong", stored)


def test_a_pbkdf2_hash_logs_in_and_is_rehashed_with_argon2id(project_hashers, django_user_model):
    old = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user = django_user_model.objects.create(username="old-hash", password=old)
    response = Client().post("/accounts/login/", {"username": "old-hash", "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"
    assert "m=19456,t=2,p=1" in user.password
