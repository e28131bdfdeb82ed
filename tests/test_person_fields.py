"""Fields a role may not set: who may be named owner, assignee, investigator, responsible
or head (PERSON_FIELDS in the role data), by whom (their reach), and the client's branch,
owner and status rules; enforced on save and offered alike in drop-downs and `_info`."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from conftest import ROLE_NAMES, api_client, username_for

from app.core import models
from app.core.permissions import WRITE
from app.core.roles import PERSON_FIELDS, ROLES
from app.core.services.errors import DomainError, NotAllowed
from app.extensions import db

# The people who may be named: two users of every role (the `_b` manager works in another
# branch, the `_b` head heads none).
TARGETS = [username_for(role, suffix) for role in ROLE_NAMES for suffix in ("", "_b")]
UNRESTRICTED = {
    "Admin",
    "Marketing",
    "Head of Marketing",
    "Customer Service",
    "Quality Officer",
    "Director",
}
# Resources whose API names the field, for the `_info` check.
RESOURCES = {
    "Client": "client",
    "Invoice": "invoice",
    "Interaction": "interaction",
    "Task": "task",
    "Inquiry": "inquiry",
    "Complaint": "complaint",
    "CorrectiveAction": "corrective_action",
    "Survey": "survey",
    "Campaign": "campaign",
    "CampaignEvaluation": "campaign_evaluation",
    "Research": "research",
    "Branch": "branch",
}


def _role_of(username: str) -> str:
    return next(
        role for role in ROLE_NAMES if username in (username_for(role), f"{username_for(role)}_b")
    )


def _writers(entity: str) -> list[str]:
    return ["Admin"] + [role for role, grants in ROLES.items() if WRITE in grants.get(entity, ())]


def _may_name(actor_role: str, entity: str, field: str, target: str) -> bool:
    """The rule, read from the role data: a role that does the work, within reach."""
    if _role_of(target) not in PERSON_FIELDS[(entity, field)]:
        return False
    if actor_role in UNRESTRICTED:
        return True
    actor = username_for(actor_role)
    if actor_role == "Head of Sales":  # themselves and their branch's people
        return target in (actor, "sales_manager")
    return target == actor


CASES = [
    pytest.param(entity, field, actor, target, id=f"{entity}.{field}-{actor}-{target}")
    for (entity, field) in PERSON_FIELDS
    for actor in _writers(entity)
    for target in TARGETS
]


def _done_campaign(name: str) -> int:
    """A campaign of 1–2 Nov 2026 put in `done` directly (as if it had run)."""
    campaign = models.Campaign(name=name, starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 2))
    db.session.add(campaign)
    db.session.flush()
    db.session.execute(
        sa.update(models.Campaign).where(models.Campaign.id == campaign.id).values(status="done")
    )
    return campaign.id


def _record(entity: str, users, branch):
    """A valid record of `entity` of sales_manager's client, its person field empty."""
    client = models.Client(
        name="Person fields",
        owner_id=users["sales_manager"].id,
        branch_id=branch.id,
        approved_at=datetime(2026, 1, 5),
    )
    db.session.add(client)
    db.session.flush()
    complaint = lambda: models.Complaint(  # noqa: E731
        number=f"C-{client.id}", client_id=client.id, description="Late delivery"
    )
    build = {
        "Client": lambda: client,
        "Invoice": lambda: models.Invoice(
            number=f"INV-{client.id}",
            client_id=client.id,
            issued_on=date.today(),
            amount="100.00",
            currency="RUB",
        ),
        "Interaction": lambda: models.Interaction(client_id=client.id, summary="Called"),
        "Task": lambda: models.Task(
            title="Call", client_id=client.id, due_at=datetime.now() + timedelta(days=1)
        ),
        "Inquiry": lambda: models.Inquiry(contact_name="Caller", subject="Price"),
        "Complaint": complaint,
        "CorrectiveAction": lambda: models.CorrectiveAction(
            complaint=complaint(), description="Check the carrier"
        ),
        "Survey": lambda: models.Survey(
            title="Quarter", period_start=date(2026, 10, 1), period_end=date(2026, 12, 31)
        ),
        "Campaign": lambda: models.Campaign(
            name=f"Campaign {client.id}", starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 2)
        ),
        "CampaignEvaluation": lambda: models.CampaignEvaluation(
            campaign_id=_done_campaign(f"Evaluated {client.id}"),
            evaluated_on=date(2026, 11, 5),
            participant_score=4,
            exposure_score=4,
            conversion_score=3,
            conclusions="Worth repeating",
        ),
        "Research": lambda: models.Research(
            title=f"Research {client.id}",
            objective="Demand",
            content="Buyers",
            starts_on=date(2026, 11, 1),
            due_on=date(2026, 11, 30),
        ),
        "Branch": lambda: db.session.get(models.Branch, branch.id),
    }
    record = build[entity]()
    db.session.add(record)
    for each in (record,):
        for _entity, field in PERSON_FIELDS:
            if _entity == entity and field != "owner":
                setattr(each, f"{field}_id", None)
    db.session.commit()
    return type(record), record.id


@pytest.mark.parametrize("entity, field, actor, target", CASES)
def test_a_person_field_names_only_whom_the_actor_may(
    make, users, as_user, branch, entity, field, actor, target
):
    """Saving `target` as the field succeeds exactly when the role data says the target's
    role does that work and the actor's reach includes them; otherwise 403 with a reason,
    and nothing changes. A client's owner is moved only by a head of sales or an admin."""
    model, pk = _record(entity, users, branch)
    before = getattr(db.session.get(model, pk), f"{field}_id")
    allowed = _may_name(actor, entity, field, target)
    if (entity, field) == ("Client", "owner") and target != "sales_manager":
        allowed = allowed and actor in ("Admin", "Head of Sales")
    with as_user(users[username_for(actor)]):
        record = db.session.get(model, pk)
        setattr(record, f"{field}_id", users[target].id)
        if allowed:
            db.session.commit()
        else:
            with pytest.raises(NotAllowed):
                db.session.commit()
    db.session.expire_all()
    stored = getattr(db.session.get(model, pk), f"{field}_id")
    assert stored == (users[target].id if allowed else before)


@pytest.mark.parametrize(
    "entity, field, actor",
    [
        pytest.param(entity, field, actor, id=f"{entity}.{field}-{actor}")
        for (entity, field) in PERSON_FIELDS
        for actor in _writers(entity)
    ],
)
def test_drop_downs_and_info_offer_exactly_whom_the_actor_may_name(
    app, users, branch, entity, field, actor
):
    """The API's `_info` (which the screens' drop-downs share) lists for each person field
    the eligible users within the actor's reach, and nobody else."""
    info = api_client(app, username_for(actor)).get(
        f"/api/v1/{RESOURCES[entity]}/_info?q=(keys:!(add_columns,edit_columns))"
    )
    assert info.status_code == 200, info.json
    columns = info.json["add_columns"] + info.json["edit_columns"]
    column = next(each for each in columns if each["name"] == field)
    offered = {value["id"] for value in column["values"]}
    expected = {users[t].id for t in TARGETS if _may_name(actor, entity, field, t)}
    assert offered & {users[t].id for t in TARGETS} == expected


def test_the_reported_api_cases_are_refused(app, make, users, branch):
    """Through the API a manager cannot put a client in another branch, give an invoice or
    interaction to someone else, activate an unapproved client or give anyone a task; a
    head cannot make quality, the director, the admin or another branch's manager an owner."""
    other_branch = users["sales_manager_b"].branch_id
    manager = api_client(app, "sales_manager")
    created = manager.post("/api/v1/client/", json={"name": "Elsewhere", "branch": other_branch})
    assert created.status_code == 403 and "branch" in created.json["message"]
    mine = manager.post("/api/v1/client/", json={"name": "Mine"})
    assert mine.status_code == 201, mine.json
    client_id = mine.json["id"]
    stored = db.session.get(models.Client, client_id)
    assert (stored.owner_id, stored.branch_id) == (users["sales_manager"].id, branch.id)

    def put(api, path, **fields):
        version = api.get(path).json["result"]["version"]
        return api.put(path, json={**fields, "version": version})

    path = f"/api/v1/client/{client_id}"
    assert put(manager, path, branch=other_branch).status_code == 403
    assert put(manager, path, status="active").status_code == 422  # approval first
    invoice = make.invoice(db.session.get(models.Client, client_id), number="API-1")
    assert (
        put(manager, f"/api/v1/invoice/{invoice.id}", owner=users["sales_manager_b"].id).status_code
        == 403
    )
    task = manager.post(
        "/api/v1/task/",
        json={
            "title": "For you",
            "due_at": "2027-01-10T10:00:00",
            "assignee": users["director"].id,
        },
    )
    assert task.status_code == 403
    head = api_client(app, "head_of_sales")
    for outsider in ("quality_officer", "director", "admin", "sales_manager_b"):
        answer = put(head, path, owner=users[outsider].id)
        assert answer.status_code == 403, (outsider, answer.json)
    db.session.expire_all()
    stored = db.session.get(models.Client, client_id)
    assert (stored.owner_id, stored.branch_id, stored.status) == (
        users["sales_manager"].id,
        branch.id,
        "new",
    )


def test_client_lifecycle_needs_approval_first_and_follows_its_table(make, users, as_user, branch):
    """An unapproved prospect cannot be made active; once approved it can; a lost client
    is won back to active, not to new."""
    client_id = make.client(users["sales_manager"], branch_id=branch.id).id
    with as_user(users["sales_manager"]):
        db.session.get(models.Client, client_id).status = "active"
        with pytest.raises(DomainError, match="approved"):
            db.session.commit()
    with as_user(users["head_of_sales"]):
        from app.core.services import client as client_service

        client_service.approve(db.session.get(models.Client, client_id))
        db.session.commit()
    with as_user(users["sales_manager"]):
        db.session.get(models.Client, client_id).status = "active"
        db.session.commit()
        reason = db.session.query(models.LossReason).first()
        lost = db.session.get(models.Client, client_id)
        lost.status, lost.loss_reason, lost.loss_note = "lost", reason, "Moved to another supplier"
        db.session.commit()
        db.session.get(models.Client, client_id).status = "new"
        with pytest.raises(DomainError, match="cannot go from"):
            db.session.commit()


def test_a_paid_invoice_activates_even_an_unapproved_client(make, users, as_user):
    """Payment is proof enough: the first paid invoice activates a new client."""
    client = make.client(users["sales_manager"])
    invoice = make.invoice(client, number="PAY-1", amount="50.00")
    with as_user(users["sales_manager"]):
        db.session.add(
            models.Payment(invoice_id=invoice.id, paid_on=date.today(), amount=Decimal("50.00"))
        )
        db.session.commit()
    db.session.expire_all()
    assert db.session.get(models.Client, client.id).status == "active"


def test_a_client_registered_by_customer_service_has_no_owner_until_assigned(
    users, as_user, branch
):
    """Customer service registers a new caller's card in a branch; it does not become
    the owner (only sales holds clients), and the branch's head then sees it."""
    with as_user(users["customer_service"]):
        client = models.Client(name="First call", branch_id=branch.id)
        db.session.add(client)
        db.session.commit()
        client_id = client.id
    stored = db.session.get(models.Client, client_id)
    assert (stored.owner_id, stored.branch_id) == (None, branch.id)
