import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp_and_fast_passwords(settings, tmp_path):
    """Uploaded files go to a temporary directory; test users hash their passwords quickly."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
