"""Records the KPI tests are made of: paid invoices and complaints through the services."""

from decimal import Decimal

import pandas as pd
import sqlalchemy as sa

from app.core import models
from app.extensions import db


def paid(client, number, amount, cost, issued_on, paid_on):
    """An invoice issued on `issued_on` and paid in full on `paid_on`."""
    invoice = models.Invoice(
        number=number,
        client_id=client.id,
        issued_on=issued_on,
        amount=Decimal(amount),
        cost=None if cost is None else Decimal(cost),
        currency="RUB",
        status="on_approval",
    )
    db.session.add(invoice)
    db.session.commit()
    payment = models.Payment(invoice_id=invoice.id, amount=Decimal(amount), paid_on=paid_on)
    db.session.add(payment)
    db.session.commit()
    return invoice


def complaint(client, number, received, investigator, resolved=None):
    """A complaint received at `received`; resolved at `resolved` when given."""
    department = db.session.query(models.Department).filter_by(name="Service").first()
    if department is None:  # reference lists outlive each test
        department = models.Department(name="Service")
        db.session.add(department)
        db.session.flush()
    record = models.Complaint(
        client_id=client.id,
        number=number,
        description="Broken",
        received_at=received,
        department_id=department.id,
        investigator_id=investigator.id,
    )
    db.session.add(record)
    db.session.commit()
    if resolved is None:
        return record
    record.status = "investigating"
    db.session.commit()
    action = models.CorrectiveAction(complaint=record, description="Replace")
    db.session.add(action)
    db.session.commit()
    action.status = "done"
    record.status, record.resolution = "resolved", "Replaced"
    db.session.commit()
    db.session.execute(  # the service stamps the resolution as now; set it by hand
        sa.update(models.Complaint)
        .where(models.Complaint.id == record.id)
        .values(resolved_at=resolved)
    )
    db.session.commit()
    return record


def same_parts(kept: pd.DataFrame, fresh: pd.DataFrame) -> None:
    """Equal parts of the KPI store: the same groups and columns with something in them,
    the same sums (a group's empty level, NaN, compared as -1)."""

    def plain(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.fillna(0.0)
        frame = frame.loc[(frame != 0).any(axis=1), (frame != 0).any(axis=0)]
        frame.index = pd.MultiIndex.from_tuples(
            [tuple(-1 if pd.isna(each) else int(each) for each in row) for row in frame.index],
            names=frame.index.names,
        )
        return frame.sort_index()[sorted(frame.columns)]

    pd.testing.assert_frame_equal(plain(kept), plain(fresh), check_dtype=False)


def edited(find, **fields):
    """A change: the record `find()` gives (or `find` itself, a record) with `fields` set,
    committed."""

    def change():
        record = find() if callable(find) else find
        for name, value in fields.items():
            setattr(record, name, value)
        db.session.commit()

    return change


def deleted(find):
    """A change: the record `find()` gives, deleted."""

    def change():
        db.session.delete(find())
        db.session.commit()

    return change


def kept_equals_counted(compute, entities, changes) -> None:
    """Kept parts of `compute(touched)` (of `entities`) computed in full once, then after
    each of `changes` (name, function) brought up to date by the groups it touched only,
    equal the parts counted anew from every record."""
    from app.core.kpi import store

    asked = []

    def counted(touched):
        asked.append(touched)
        return compute(touched)

    def parts():
        return store.company_parts("kept", id(compute), counted, entities=entities)

    parts()
    assert asked == [None]
    for name, change in changes:
        change()
        kept = parts()
        assert asked[-1] is not None and asked[-1].blocks | asked[-1].assignees, name
        same_parts(kept, compute(None))
