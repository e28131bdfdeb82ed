"""The OpenAPI spec is served and documents every resource and its approve operation."""

from conftest import api_client, login

from app.web.api import APIS


def test_openapi_spec_lists_every_resource(app, ctx):
    """/api/v1/_openapi describes a list path for each resource, and the approve endpoint."""
    client = api_client(app, "quality_officer")
    response = client.get("/api/v1/_openapi")
    assert response.status_code == 200
    paths = response.json["paths"]
    for api in APIS:
        assert f"/api/v1/{api.resource_name}/" in paths, api.resource_name
    assert "post" in paths["/api/v1/client/{pk}/approve"]


def test_swagger_ui_is_served_to_users(app, ctx):
    """The Swagger UI page opens for a logged-in user."""
    browser = app.test_client()
    login(browser, "sales_manager")
    assert browser.get("/swagger/v1").status_code == 200
