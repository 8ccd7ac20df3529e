import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_docs_render_from_static_files_without_a_cdn(page, live_server, screenshot):
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url) if not request.url.startswith(live_server.url) else None
        ),
    )
    page.goto(f"{live_server.url}/api/docs/")
    # Swagger UI draws once the schema (generated per request, seconds on a loaded machine) is in.
    expect(page.get_by_role("heading", name="KVI Portal API")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("/api/breaches/monthly/").first).to_be_visible()
    screenshot("api-docs")
    assert outside == []
