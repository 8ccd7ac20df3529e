import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The role users of the shared fixtures hash passwords; a fast hasher keeps tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
