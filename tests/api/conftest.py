"""API clients per role: api_for(role) is authenticated with that role's token; api_for(None)
is anonymous."""

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from core.roles import ADMIN, COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA

#: Every caller of the matrix tests: the four roles, a user without a role, and nobody.
CALLERS = [COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA, ADMIN, "none", "anonymous"]


@pytest.fixture
def api_for(role_users):
    def _client(role):
        client = APIClient()
        if role != "anonymous":
            _, token = AuthToken.objects.create(user=role_users[role])
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return _client


def refused_status(role) -> int:
    """Anonymous callers are asked to authenticate; known users without the permission are
    refused."""
    return 401 if role == "anonymous" else 403
