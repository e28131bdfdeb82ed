"""Many users at once on a real multi-threaded server (waitress, 8 threads, loopback):
interleaved API reads, edits and creates land on their own records, by their own actor."""

from __future__ import annotations

import json
import re
import threading
from collections import Counter

import pytest
import requests
import sqlalchemy as sa
from conftest import PASSWORD

from app.core.models import AuditLog, Client, Contact, Industry
from app.core.services.audit import verify
from app.extensions import db

pytestmark = pytest.mark.process

USERS = ("sales_manager", "sales_manager_b", "head_of_sales")
CLIENTS_EACH = 4
# Enough rounds for every thread to interleave with every other many times over (12
# threads: 360 GET+PUT pairs, 120 contacts, 36 clients).
ROUNDS = 30
# Every third round also creates a contact, every tenth a client.
CONTACT_EVERY, CLIENT_EVERY = 3, 10


def _token(base: str, username: str) -> str:
    response = requests.post(
        f"{base}/api/v1/security/login",
        json={"username": username, "password": PASSWORD, "provider": "db"},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["access_token"]


class Traffic:
    """What the threads sent and got back, kept under a lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.failures: list[str] = []
        self.last_notes: dict[int, str] = {}
        self.puts: Counter = Counter()
        self.created_clients: dict[int, str] = {}
        self.created_contacts: dict[int, tuple[int, str]] = {}

    def answer(self, response, expected: int, what: str) -> bool:
        with self.lock:
            self.statuses[response.status_code] += 1
            if response.status_code != expected:
                self.failures.append(f"{what}: {response.status_code} {response.text[:300]}")
                return False
        return True


def _edit_loop(base, token, username, client_id, industry_id, traffic, start):
    """One user's thread on one of their clients: GET, PUT notes; now and then a POST."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    start.wait()
    for round_ in range(ROUNDS):
        got = session.get(f"{base}/api/v1/client/{client_id}", timeout=60)
        if not traffic.answer(got, 200, f"GET client {client_id}"):
            continue
        notes = f"{username}/{client_id}/{round_}"
        put = session.put(
            f"{base}/api/v1/client/{client_id}",
            json={"notes": notes, "version": got.json()["result"]["version"]},
            timeout=60,
        )
        if traffic.answer(put, 200, f"PUT client {client_id} as {username}"):
            with traffic.lock:
                traffic.last_notes[client_id] = notes
                traffic.puts[client_id] += 1
        if round_ % CONTACT_EVERY == 0:
            name = f"Contact {username} {client_id} {round_}"
            post = session.post(
                f"{base}/api/v1/contact/",
                json={"client": client_id, "full_name": name},
                timeout=60,
            )
            if traffic.answer(post, 201, f"POST contact as {username}"):
                with traffic.lock:
                    traffic.created_contacts[post.json()["id"]] = (client_id, username)
        if round_ % CLIENT_EVERY == 0:
            name = f"New {username} {client_id} {round_}"
            post = session.post(
                f"{base}/api/v1/client/",
                json={"name": name, "industry": industry_id, "notes": "created"},
                timeout=60,
            )
            if traffic.answer(post, 201, f"POST client as {username}"):
                with traffic.lock:
                    traffic.created_clients[post.json()["id"]] = username


@pytest.mark.parametrize("server_threads", [8])
def test_interleaved_api_writes_land_on_their_own_records(
    app, live_server, make, users, branch, server_threads
):
    """12 threads of three users GET and PUT their own clients and POST contacts and clients
    on an 8-thread server: every answer is the expected 2xx, every record holds only what its
    owner sent, no PUT creates a row, the trail names the right actor and still verifies."""
    industries = db.session.scalars(sa.select(Industry).order_by(Industry.id)).all()
    owned: dict[int, str] = {}
    for number, username in enumerate(USERS):
        for index in range(CLIENTS_EACH):
            record = make.client(
                users[username],
                name=f"Own {username} {index}",
                tax_id=f"77{number:02d}{index:06d}",
                branch_id=branch.id,
                industry_id=industries[(number + index) % len(industries)].id,
            )
            owned[record.id] = username
    before = {
        row.id: (row.name, row.tax_id, row.owner_id, row.industry_id, row.branch_id)
        for row in db.session.scalars(sa.select(Client))
    }
    first_seq = db.session.execute(sa.select(sa.func.max(AuditLog.seq))).scalar() or 0
    tokens = {username: _token(live_server, username) for username in USERS}
    traffic, start = Traffic(), threading.Barrier(len(owned))
    threads = [
        threading.Thread(
            target=_edit_loop,
            args=(
                live_server,
                tokens[username],
                username,
                client_id,
                industries[0].id,
                traffic,
                start,
            ),
        )
        for client_id, username in owned.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert traffic.failures == [], traffic.failures[:10]
    per_thread = 2 * ROUNDS + ROUNDS // CONTACT_EVERY + ROUNDS // CLIENT_EVERY
    assert sum(traffic.statuses.values()) == len(threads) * per_thread
    assert not any(status >= 500 for status in traffic.statuses)
    db.session.expire_all()
    stored = {row.id: row for row in db.session.scalars(sa.select(Client))}
    # No PUT created a row: the clients are those from before plus those POSTed.
    assert set(stored) == set(before) | set(traffic.created_clients)
    for client_id, fields in before.items():
        row = stored[client_id]
        assert (row.name, row.tax_id, row.owner_id, row.industry_id, row.branch_id) == fields
        assert row.notes == traffic.last_notes[client_id]
        assert row.version == 1 + traffic.puts[client_id]
    user_ids = {username: users[username].id for username in USERS}
    for client_id, username in traffic.created_clients.items():
        assert stored[client_id].owner_id == user_ids[username]
    contacts = {row.id: row for row in db.session.scalars(sa.select(Contact))}
    assert set(contacts) == set(traffic.created_contacts)
    for contact_id, (client_id, _username) in traffic.created_contacts.items():
        assert contacts[contact_id].client_id == client_id

    # The trail: each change by the user who sent it, and only the fields they sent.
    trail = db.session.scalars(
        sa.select(AuditLog).where(AuditLog.seq > first_seq, AuditLog.entity == "client")
    ).all()
    for row in trail:
        owner = owned.get(row.record_id) or traffic.created_clients.get(row.record_id)
        assert row.actor == owner, (row.record_id, row.actor, owner)
        if row.action == "update":
            assert set(json.loads(row.changes)) == {"notes"}, row.changes
    updates = Counter(row.record_id for row in trail if row.action == "update")
    assert updates == +traffic.puts
    contact_trail = db.session.scalars(
        sa.select(AuditLog).where(AuditLog.seq > first_seq, AuditLog.entity == "contact")
    ).all()
    assert {row.record_id: row.actor for row in contact_trail} == {
        contact_id: username for contact_id, (_client, username) in traffic.created_contacts.items()
    }
    with db.engine.connect() as connection:
        assert verify(connection)["ok"]


def _filtered_loop(base, username, prefix, traffic, start, screen):
    """List clients whose name starts with `prefix`, over the API or on the screen."""
    session = requests.Session()
    if screen:
        session.post(f"{base}/login/", data={"username": username, "password": PASSWORD})
    else:
        session.headers["Authorization"] = f"Bearer {_token(base, username)}"
    query = f"(filters:!((col:name,opr:sw,value:'{prefix}')),page_size:100)"
    start.wait()
    for _round in range(ROUNDS // 2):
        if screen:
            page = session.get(f"{base}/clientview/list/?_flt_0_name={prefix}", timeout=60)
            if traffic.answer(page, 200, f"list screen as {username}"):
                names = re.findall(r"(Listed \w+ \d+)", page.text)
                expected = {f"{prefix} {index}" for index in range(CLIENTS_EACH)}
                if set(names) != expected:
                    with traffic.lock:
                        traffic.failures.append(f"screen {prefix}: {sorted(set(names))}")
        else:
            listed = session.get(f"{base}/api/v1/client/", params={"q": query}, timeout=60)
            if traffic.answer(listed, 200, f"list API as {username}"):
                names = {row["name"] for row in listed.json()["result"]}
                if names != {f"{prefix} {index}" for index in range(CLIENTS_EACH)}:
                    with traffic.lock:
                        traffic.failures.append(f"API {prefix}: {sorted(names)}")


def test_concurrent_searches_each_get_their_own_filters(app, live_server, make, users):
    """Eight threads search the client list at once, each for its own name prefix, half on
    the screen and half over the API: each gets exactly its own rows, every time."""
    prefixes = [f"Listed {word}" for word in ("alpha", "beta", "gamma", "delta")]
    for prefix in prefixes:
        for index in range(CLIENTS_EACH):
            make.client(users["sales_manager"], name=f"{prefix} {index}")
    traffic, start = Traffic(), threading.Barrier(2 * len(prefixes))
    threads = [
        threading.Thread(
            target=_filtered_loop,
            args=(live_server, "sales_manager", prefix, traffic, start, screen),
        )
        for prefix in prefixes
        for screen in (False, True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert traffic.failures == [], traffic.failures[:10]
    assert traffic.statuses == {200: len(threads) * (ROUNDS // 2)}


@pytest.mark.parametrize(
    "kind, attribute",
    # Screens build a new form for each request; their search filters are shared state.
    [("api", "edit_model_schema"), ("api", "add_model_schema"), ("api", "_filters")]
    + [("view", "_filters")],
)
def test_two_requests_at_once_never_share_a_schema_or_filters(app, kind, attribute):
    """Two requests in flight on two threads read their own copy of what FAB keeps on the
    view (schemas a load() writes into, the search's active filters); one request's
    filters are not seen by the other, and a request keeps its copy throughout."""
    from app.web.api.client import ClientApi
    from app.web.views.client import ClientView

    wanted = ClientApi if kind == "api" else ClientView
    view = next(each for each in app.appbuilder.baseviews if type(each) is wanted)
    seen, both_in_flight = {}, threading.Barrier(2)

    def request(name):
        with app.test_request_context():
            first = getattr(view, attribute)
            if attribute == "_filters":
                first.add_filter("name", view.datamodel.FilterStartsWith, name)
            both_in_flight.wait()
            again = getattr(view, attribute)
            values = again.get_filters_values() if attribute == "_filters" else []
            seen[name] = (first, again, [value for _filter, value in values])
            both_in_flight.wait()

    threads = [threading.Thread(target=request, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (one, one_again, one_filters), (two, two_again, two_filters) = seen["one"], seen["two"]
    assert one is one_again and two is two_again and one is not two
    assert (one_filters, two_filters) == (
        (["one"], ["two"]) if attribute == "_filters" else ([], [])
    )
