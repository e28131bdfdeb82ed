"""The cheaper list count gives exactly FAB's count, with row scope and searches."""

import pytest
from conftest import api_client


@pytest.mark.parametrize("username", ["admin", "sales_manager", "head_of_sales"])
@pytest.mark.parametrize(
    "query",
    [
        "",
        "?q=(filters:!((col:name,opr:sw,value:Al)))",
        "?q=(filters:!((col:status,opr:eq,value:new)))",
    ],
)
def test_fast_count_equals_fabs_count(app, make, users, branch, username, query):
    """For several users and filters, count and rows match with and without FAST_LIST_COUNT."""
    make.client(users["sales_manager"], name="Alpha", branch_id=branch.id)
    make.client(users["sales_manager"], name="Albatross", status="active")
    make.client(users["sales_manager_b"], name="Alder", branch_id=branch.id)
    make.client(users["sales_manager_b"], name="Beech")
    api = api_client(app, username)
    answers = []
    for fast in (False, True):
        app.config["FAST_LIST_COUNT"] = fast
        body = api.get(f"/api/v1/client/{query}").json
        answers.append((body["count"], sorted(row["name"] for row in body["result"])))
    assert answers[0] == answers[1] and answers[0][0] == len(answers[0][1])


@pytest.mark.parametrize(
    "term,expected",
    [
        ("al", ["Albatross", "Alder", "Alpha"]),
        ("ALP", ["Alpha"]),
        ("северный", ["Северный ветер"]),
        ("北", ["北风贸易"]),
        ("ветер", []),
    ],
)
def test_starts_with_is_case_insensitive_in_any_script(app, make, users, term, expected):
    """The name's "starts with" search folds case for Latin and Cyrillic and matches
    prefixes only, in the API and the screen alike."""
    from urllib.parse import quote

    from conftest import login

    for name in ("Alpha", "Albatross", "Alder", "Beech", "Северный ветер", "北风贸易"):
        make.client(users["sales_manager"], name=name)
    api = api_client(app, "admin")
    body = api.get(f"/api/v1/client/?q=(filters:!((col:name,opr:sw,value:'{quote(term)}')))").json
    assert sorted(row["name"] for row in body["result"]) == expected and body["count"] == len(
        expected
    )
    browser = app.test_client()
    login(browser, "admin")
    page = browser.get(f"/clientview/list/?_flt_0_name={quote(term)}").get_data(as_text=True)
    assert all(name in page for name in expected) and ("Beech" in page) is False
