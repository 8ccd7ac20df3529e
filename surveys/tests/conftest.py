import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The role users and the demo users each hash a password; Django's default hasher takes
    most of a second per user on a busy machine, so these tests use a fast one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
