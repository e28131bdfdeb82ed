"""Client cards and contacts: validation, completeness, ownership and approval."""

import pytest

from app.core.models import Client, Contact, Industry, Source
from app.core.services import client as client_service
from app.core.services.errors import DomainError, NotAllowed
from app.extensions import db


def test_first_time_client_is_new_and_owned_by_its_creator(users, as_user):
    """A card created by a manager is `new` and theirs."""
    with as_user(users["sales_manager"]):
        client = Client(name="Northwind")
        db.session.add(client)
        db.session.commit()
        assert client.status.value == "new" and client.owner_id == users["sales_manager"].id


def test_name_required_and_tax_id_unique(make, users):
    """A blank name and a taken tax ID are both reported."""
    make.client(users["sales_manager"], name="A", tax_id="7701234567")
    db.session.add(Client(name=" ", tax_id="7701234567"))
    with pytest.raises(DomainError) as error:
        db.session.commit()
    assert {"name", "tax_id"} <= set(error.value.messages)


def test_card_is_complete_only_with_primary_contact_industry_needs_and_source(make, users):
    """Completeness follows the card and its contacts, both ways."""
    industry, source = db.session.query(Industry).first(), db.session.query(Source).first()
    client = make.client(
        users["sales_manager"], industry_id=industry.id, source_id=source.id, needs="Spare parts"
    )
    assert client.is_complete is False
    contact = Contact(client_id=client.id, full_name="Иванов Иван", is_primary=True)
    db.session.add(contact)
    db.session.commit()
    assert db.session.get(Client, client.id).is_complete is True
    db.session.delete(contact)
    db.session.commit()
    assert db.session.get(Client, client.id).is_complete is False


def test_one_primary_contact_per_client(make, users):
    """Marking a second contact primary unmarks the first."""
    client = make.client(users["sales_manager"])
    first = Contact(client_id=client.id, full_name="王伟", is_primary=True)
    db.session.add(first)
    db.session.commit()
    db.session.add(Contact(client_id=client.id, full_name="John Smith", is_primary=True))
    db.session.commit()
    db.session.expire_all()
    primaries = db.session.query(Contact).filter_by(client_id=client.id, is_primary=True).all()
    assert [contact.full_name for contact in primaries] == ["John Smith"]


def test_contact_email_and_phone_are_validated(make, users):
    """A malformed e-mail and phone are refused with field messages."""
    client = make.client(users["sales_manager"])
    db.session.add(
        Contact(client_id=client.id, full_name="X", email="not-an-email", phone="call me")
    )
    with pytest.raises(DomainError) as error:
        db.session.commit()
    assert {"email", "phone"} <= set(error.value.messages)


def test_manager_cannot_reassign_but_head_of_sales_can(make, users, as_user, branch):
    """Reassigning a client is for a head of sales, within the branches they head, or an
    administrator; the client follows its new owner into their branch."""
    client_id = make.client(users["sales_manager"], branch_id=branch.id).id
    with as_user(users["sales_manager"]):
        db.session.get(Client, client_id).owner_id = users["sales_manager_b"].id
        with pytest.raises(NotAllowed):
            db.session.commit()
    with as_user(users["head_of_sales"]):
        db.session.get(Client, client_id).owner = users["sales_manager_b"]
        with pytest.raises(NotAllowed, match="branches you head"):
            db.session.commit()
    with as_user(users["head_of_sales"]):
        db.session.get(Client, client_id).owner = users["head_of_sales"]
        db.session.commit()
        assert db.session.get(Client, client_id).owner_id == users["head_of_sales"].id
    with as_user(users["admin"]):
        db.session.get(Client, client_id).owner = users["sales_manager_b"]
        db.session.commit()
        moved = db.session.get(Client, client_id)
        assert (moved.owner_id, moved.branch_id) == (
            users["sales_manager_b"].id,
            users["sales_manager_b"].branch_id,
        )


def test_manager_cannot_link_records_to_another_managers_client(make, users, as_user):
    """Adding a contact to a client outside one's scope is refused."""
    client_id = make.client(users["sales_manager"]).id
    with as_user(users["sales_manager_b"]):
        db.session.add(Contact(client_id=client_id, full_name="Intruder"))
        with pytest.raises(DomainError) as error:
            db.session.commit()
        assert "client" in error.value.messages


def test_approval_is_for_heads_of_sales(make, users, as_user, branch):
    """A manager cannot approve a prospect; the head of the client's branch can, once."""
    client_id = make.client(users["sales_manager"], branch_id=branch.id).id
    with as_user(users["sales_manager"]), pytest.raises(NotAllowed):
        client_service.approve(db.session.get(Client, client_id))
    with as_user(users["head_of_sales"]):
        client = db.session.get(Client, client_id)
        client_service.approve(client)
        db.session.commit()
        assert client.approved_by_id == users["head_of_sales"].id and client.approved_at
        with pytest.raises(DomainError, match="already"):
            client_service.approve(client)


def test_head_of_sales_cannot_approve_outside_their_branch(make, users, as_user, branch):
    """A client of a branch the head does not run is not theirs to approve."""
    client_id = make.client(users["sales_manager_b"]).id
    with as_user(users["head_of_sales"]), pytest.raises(DomainError, match="not yours"):
        client_service.approve(db.session.get(Client, client_id))
