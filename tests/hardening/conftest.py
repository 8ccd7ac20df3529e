"""The API's per-role clients, shared with tests/api."""

from tests.api.conftest import api_for  # noqa: F401  (a fixture)
