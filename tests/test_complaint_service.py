"""Complaint lifecycle: numbering, required fields per stage, confirmed closure."""

import pytest

from app.core.models import Complaint, CorrectiveAction, Department
from app.core.models.choices import ComplaintStatus as S
from app.core.models.choices import CorrectiveActionStatus
from app.core.services.errors import DomainError
from app.extensions import db


@pytest.fixture
def complaint(make, users):
    client = make.client(users["sales_manager"])
    record = Complaint(client_id=client.id, description="Late delivery")
    db.session.add(record)
    db.session.commit()
    return record


def _move(record, status, **fields):
    for name, value in dict(fields, status=status).items():
        setattr(record, name, value)
    db.session.commit()


def _acted_on(complaint, users, status=CorrectiveActionStatus.done):
    """Take a complaint to the action stage with one corrective action in `status`."""
    department = db.session.query(Department).first()
    _move(complaint, S.investigating, department=department, investigator=users["quality_officer"])
    _move(complaint, S.action, root_cause="Carrier overbooked")
    action = CorrectiveAction(complaint=complaint, description="Second carrier")
    db.session.add(action)
    db.session.commit()
    if status != CorrectiveActionStatus.open:
        _move(action, status)
    return action


def test_new_complaints_are_registered_with_consecutive_numbers(make, users, complaint):
    """Each complaint gets the next number of its year's series."""
    second = Complaint(client_id=complaint.client_id, description="Wrong documents")
    db.session.add(second)
    db.session.commit()
    year = complaint.received_at.year
    assert complaint.status == S.registered
    assert (complaint.number, second.number) == (f"CMP-{year}-00001", f"CMP-{year}-00002")


def test_investigation_needs_department_and_investigator(complaint, users):
    """Investigating without an investigator and a department names both fields."""
    complaint.status = S.investigating
    with pytest.raises(DomainError) as error:
        db.session.commit()
    assert {"department", "investigator"} <= set(error.value.messages)


def test_full_lifecycle_to_closure(complaint, users):
    """A complaint walks registered → investigating → action → resolved → closed."""
    department = db.session.query(Department).first()
    _move(
        complaint,
        S.investigating,
        department_id=department.id,
        investigator_id=users["quality_officer"].id,
    )
    _move(complaint, S.action, root_cause="Carrier overbooked")
    action = CorrectiveAction(complaint=complaint, description="Second carrier")
    db.session.add(action)
    db.session.commit()
    _move(action, CorrectiveActionStatus.done)
    _move(complaint, S.resolved, resolution="Second carrier contracted")
    assert complaint.resolved_at is not None
    _move(complaint, S.closed, client_satisfied="yes")
    assert complaint.status == S.closed


def test_cannot_close_without_confirmed_satisfaction(complaint, users):
    """Closure needs the follow-up contact to confirm the client is satisfied."""
    _acted_on(complaint, users)
    _move(complaint, S.resolved, resolution="Refund")
    complaint.status = S.closed
    with pytest.raises(DomainError) as error:
        db.session.commit()
    assert "client_satisfied" in error.value.messages


def test_cannot_skip_stages(complaint):
    """Registered cannot jump straight to resolved."""
    complaint.status, complaint.resolution = S.resolved, "Fixed"
    with pytest.raises(DomainError, match="cannot go from"):
        db.session.commit()


@pytest.mark.parametrize(
    "actions, refusal",
    [
        ((), "Record at least one corrective action first."),
        (("cancelled",), "Record at least one corrective action first."),
        (("done", "open"), "Some corrective actions are still open"),
    ],
)
def test_resolution_waits_for_the_actions(complaint, users, actions, refusal):
    """A complaint is resolved only with at least one action not cancelled and none still
    open (done ones may await their effectiveness check)."""
    department = db.session.query(Department).first()
    _move(complaint, S.investigating, department=department, investigator=users["quality_officer"])
    _move(complaint, S.action, root_cause="Carrier overbooked")
    for status in actions:
        action = CorrectiveAction(complaint=complaint, description=f"Action {status}")
        db.session.add(action)
        db.session.commit()
        if status != "open":
            _move(action, status)
    complaint.resolution, complaint.status = "Fixed", S.resolved
    with pytest.raises(DomainError) as error:
        db.session.commit()
    db.session.rollback()
    assert refusal in " ".join(error.value.messages["status"])


def test_an_action_added_after_resolution_holds_the_closure(complaint, users):
    """An action opened after the complaint was resolved must be done before it closes;
    an action in the same save counts as well as a stored one."""
    _acted_on(complaint, users)
    _move(complaint, S.resolved, resolution="Second carrier")
    db.session.add(CorrectiveAction(complaint=complaint, description="Train the dispatchers"))
    complaint.status, complaint.client_satisfied = S.closed, "yes"
    with pytest.raises(DomainError, match="still open"):
        db.session.commit()
    db.session.rollback()


def test_the_department_reports_done_and_quality_verifies(complaint, users, as_user):
    """Customer service writes an action and reports it done, but may not verify it;
    quality's check verifies an effective action and sends an ineffective one back."""
    from app.core.services.corrective_action import verify
    from app.core.services.errors import NotAllowed

    action = _acted_on(complaint, users, CorrectiveActionStatus.open)
    with as_user(users["customer_service"]):
        _move(action, CorrectiveActionStatus.done)
        assert action.done_on is not None
        action.status, action.effective = CorrectiveActionStatus.verified, True
        action.effectiveness_checked_on = action.done_on
        with pytest.raises(NotAllowed, match="Quality checks"):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(NotAllowed):
            verify(action, action.done_on, True)
    with as_user(users["quality_officer"]):
        verify(action, action.done_on, False)
        db.session.commit()
        assert (action.status, action.effective, action.done_on) == ("open", False, None)
    with as_user(users["customer_service"]):
        _move(action, CorrectiveActionStatus.done)
    with as_user(users["quality_officer"]):
        verify(action, action.done_on, True)
        db.session.commit()
    assert action.status == CorrectiveActionStatus.verified and action.effective is True


def test_corrective_action_verification_needs_the_check(complaint, users):
    """Verifying an action needs the effectiveness check date and a positive outcome."""
    action = _acted_on(complaint, users)
    action.status = CorrectiveActionStatus.verified
    with pytest.raises(DomainError) as error:
        db.session.commit()
    assert {"effectiveness_checked_on", "effective"} <= set(error.value.messages)


@pytest.mark.parametrize("status", ["resolved", "no-such-status"])
def test_a_status_given_as_text_is_refused_in_words(complaint, status):
    """A status set as a plain string (as the API or an import gives it) is checked like
    the enum: a skipped stage or an unknown value is a domain error naming it."""
    complaint.status = status
    with pytest.raises(DomainError) as error:
        db.session.commit()
    db.session.rollback()
    assert status.replace("resolved", "Resolved") in str(error.value)


@pytest.mark.parametrize("linked_as", ["objects", "ids"])
def test_a_new_complaint_refuses_another_clients_contact(make, users, linked_as):
    """On create as on edit: the complaint's contact must be one of its client's (set as
    objects, as the screens do, or as ids, as the API does)."""
    from app.core.models import Contact

    ours = make.client(users["sales_manager"], name="Ours")
    theirs = make.client(users["sales_manager"], name="Theirs")
    stranger = Contact(client_id=theirs.id, full_name="Alice Taylor")
    db.session.add(stranger)
    db.session.commit()
    if linked_as == "objects":
        record = Complaint(client=ours, contact=stranger, description="Late")
    else:
        record = Complaint(client_id=ours.id, contact_id=stranger.id, description="Late")
    db.session.add(record)
    with pytest.raises(DomainError) as refused:
        db.session.commit()
    db.session.rollback()
    assert refused.value.messages["contact"] == ["This contact belongs to another client."]
