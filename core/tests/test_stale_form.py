"""A stale save on a service form: refused with 409, the user's typing kept in the form and
shown beside what is saved now."""

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage

from core.errors import StaleVersion
from core.tests.factories import UserFactory
from core.views import ServiceFormView

pytestmark = pytest.mark.django_db


class NoteForm(forms.Form):
    title = forms.CharField(label="Title")
    severity = forms.ChoiceField(label="Severity", choices=[("low", "Low"), ("high", "High")])
    version = forms.IntegerField(widget=forms.HiddenInput)


class NoteEditView(ServiceFormView):
    permission_required = "core.view_organisation"
    form_class = NoteForm
    heading = "Edit the note"

    def perform(self, form):
        raise StaleVersion(yours=1, theirs=2, current={"title": "Their title", "severity": "Low"})


def _post(rf, user, data):
    request = rf.post("/note/", data)
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return NoteEditView.as_view()(request)


def test_a_stale_save_keeps_what_the_user_typed_beside_the_current_values(rf):
    user = UserFactory(is_superuser=True)
    response = _post(rf, user, {"title": "My title", "severity": "high", "version": "1"})
    assert response.status_code == 409
    html = response.render().content.decode()
    assert 'data-testid="conflict"' in html
    assert 'value="My title"' in html  # still in the form, ready to save again
    conflict = html.split('data-testid="conflict"')[1].split("</section>")[0]
    assert "My title" in conflict and "Their title" in conflict
    assert "High" in conflict and "Low" in conflict  # choices by their labels
    assert "you had version 1, it is now 2" in html
    assert 'name="version" value="2"' in html  # saving again now keeps the user's values


def test_the_form_page_needs_the_views_permission(rf):
    request = rf.get("/note/")
    request.user = AnonymousUser()
    assert NoteEditView.as_view()(request).status_code == 302
