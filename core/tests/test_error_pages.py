"""The 403, 404 and 500 pages: in the site's layout, saying what happened and a way back."""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from core.roles import COMMITTEE_MEMBER, CUSTOMER_OPS

pytestmark = pytest.mark.django_db


def test_a_forbidden_page_is_styled_and_offers_a_way_back(client_for):
    page = client_for(COMMITTEE_MEMBER).get(reverse("issues:breach_create"))
    assert page.status_code == 403
    html = page.content.decode()
    assert "You cannot open this page" in html and "Committee member" in html
    assert 'href="/"' in html and 'aria-label="Main navigation"' in html and "<main" in html


def test_a_missing_page_is_styled_and_offers_a_way_back(client_for):
    page = client_for(CUSTOMER_OPS).get("/no-such-page/")
    assert page.status_code == 404
    html = page.content.decode()
    assert "Page not found" in html and "Go to your start page" in html
    assert "Issues &amp; breaches" in html  # the navigation is there


def test_an_anonymous_missing_page_renders_too():
    page = Client().get("/static/no-such-file.css")
    assert page.status_code == 404


def test_the_server_error_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert "Something went wrong" in html and 'href="/"' in html


def test_the_server_error_handler_answers_500_with_the_page(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
