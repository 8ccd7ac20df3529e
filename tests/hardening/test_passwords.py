"""Every user, not only staff, can change their password and reset a forgotten one by e-mail
(through the configured backend), on pages in the site's look."""

import re

import pytest
from django.core import mail

from conftest import PASSWORD
from core.roles import COMMITTEE_MEMBER

pytestmark = pytest.mark.django_db


def test_a_committee_member_changes_their_password(client_for, committee_user):
    client = client_for(COMMITTEE_MEMBER)
    page = client.get("/accounts/password/")
    assert page.status_code == 200 and b"Change your password" in page.content
    assert b"navbar" in page.content  # the site's look, not the admin's
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "committee-new-pass-93",
            "new_password2": "committee-new-pass-93",
        },
        follow=True,
    )
    assert b"Password changed" in response.content
    committee_user.refresh_from_db()
    assert committee_user.check_password("committee-new-pass-93")


def test_a_wrong_old_password_changes_nothing(client_for, committee_user):
    response = client_for(COMMITTEE_MEMBER).post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": "x-y-z-12345", "new_password2": "x-y-z-12345"},
    )
    assert response.status_code == 200
    committee_user.refresh_from_db()
    assert committee_user.check_password(PASSWORD)


def test_the_login_page_links_the_reset(client):
    assert b'href="/accounts/password/reset/"' in client.get("/accounts/login/").content


def test_a_forgotten_password_is_reset_through_the_emailed_link(client, committee_user):
    page = client.get("/accounts/password/reset/")
    assert page.status_code == 200 and b"Reset your password" in page.content
    response = client.post("/accounts/password/reset/", {"email": committee_user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [committee_user.email]
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)[1]
    form = client.get(link, follow=True)
    assert b"Choose a new password" in form.content and form.context["validlink"]
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "reset-by-mail-5521", "new_password2": "reset-by-mail-5521"},
        follow=True,
    )
    assert b"Password set" in done.content
    committee_user.refresh_from_db()
    assert committee_user.check_password("reset-by-mail-5521")
    again = client.get(link, follow=True)
    assert not again.context["validlink"]  # a link works once


def test_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302 and response["Location"].endswith("/reset/sent/")
    assert not mail.outbox
