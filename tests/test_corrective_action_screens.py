"""Corrective actions on screen and in the API: customer service adds and reports them
done; quality checks their effectiveness with Check effectiveness."""

from conftest import api_client, login

from app.core.clock import business_today
from app.core.models import Complaint, CorrectiveAction
from app.core.models.choices import CorrectiveActionStatus
from app.extensions import db


def _done_action(make, users) -> CorrectiveAction:
    client = make.client(users["sales_manager"])
    complaint = Complaint(client=client, description="Late delivery")
    db.session.add(complaint)
    db.session.commit()
    action = CorrectiveAction(complaint=complaint, description="Second carrier")
    db.session.add(action)
    db.session.commit()
    action.status = CorrectiveActionStatus.done
    db.session.commit()
    return action


def test_customer_service_adds_an_action_on_screen(app, make, users):
    """The service desk's add form saves an action for a complaint."""
    client = make.client(users["sales_manager"])
    complaint = Complaint(client=client, description="Damaged box")
    db.session.add(complaint)
    db.session.commit()
    browser = app.test_client()
    login(browser, "customer_service")
    saved = browser.post(
        "/correctiveactionview/add",
        data={"complaint": complaint.id, "description": "Better packaging"},
    )
    assert saved.status_code == 302
    action = db.session.query(CorrectiveAction).filter_by(complaint_id=complaint.id).one()
    assert action.description == "Better packaging" and action.status == "open"


def test_quality_checks_effectiveness_on_screen(app, make, users):
    """Quality sees Check effectiveness on a done action; the service desk does not; the
    check verifies the action."""
    action = _done_action(make, users)
    service, quality = app.test_client(), app.test_client()
    login(service, "customer_service")
    login(quality, "quality_officer")
    page = f"/correctiveactionview/show/{action.id}"
    assert 'id="action-verify"' not in service.get(page).get_data(as_text=True)
    assert 'id="action-verify"' in quality.get(page).get_data(as_text=True)
    form = quality.get(f"/correctiveactionview/verify/{action.id}").get_data(as_text=True)
    assert "Effectiveness checked on" in form
    answer = quality.post(
        f"/correctiveactionview/verify/{action.id}",
        data={"checked_on": business_today().isoformat(), "effective": "yes"},
    )
    assert answer.status_code == 302 and answer.location.endswith(page)
    db.session.refresh(action)
    assert action.status == "verified" and action.effective is True


def test_quality_checks_effectiveness_through_the_api(app, make, users):
    """POST /corrective_action/<id>/verify: a bad body is a 422 naming the fields; a not
    effective check sends the action back to work."""
    action = _done_action(make, users)
    api = api_client(app, "quality_officer")
    url = f"/api/v1/corrective_action/{action.id}/verify"
    refused = api.post(url, json={"effective": "maybe"})
    assert refused.status_code == 422
    assert set(refused.json["message"]) == {"effectiveness_checked_on", "effective"}
    checked = api.post(
        url, json={"effectiveness_checked_on": business_today().isoformat(), "effective": False}
    )
    assert checked.status_code == 200, checked.json
    db.session.refresh(action)
    assert action.status == "open" and action.effective is False
