"""The REST API's schemas: FAB's conversion of models, made strict where hostile input got
through (a 500, a silent change, or a new row) and stating in the OpenAPI spec what the
services enforce (lengths, minimums, id ranges), read from the same column declarations.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_appbuilder.api.convert import Model2SchemaConverter
from flask_babel import gettext
from marshmallow import ValidationError, fields, validate
from marshmallow_sqlalchemy.fields import Related

from app.core.models.base import FILLED_BY_SERVICE, MINIMUM, TEXT_MAX
from app.core.services.values import INTEGER_RANGE, MESSAGES, TEXT_PATTERN, as_business_time

# The longest ISO 8601 date-time worth reading ("2026-12-01T10:00:00.000000+03:00").
MOMENT_CHARACTERS = 40


def _same_options(field) -> dict:
    return {
        "required": field.required,
        "allow_none": field.allow_none,
        "dump_only": field.dump_only,
        "load_only": field.load_only,
        "validate": list(field.validators),
        "metadata": dict(field.metadata),
    }


class RelatedRecord(Related):
    """A link given as the id of an existing record. marshmallow-sqlalchemy would take any
    value (an object, 10**30) to the database, and build a new record for an unknown id."""

    def _deserialize(self, value, *args, **kwargs):
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(gettext("Give the id of a record (a whole number)."))
        found = None
        if 0 < value <= INTEGER_RANGE[1]:
            found = self.session.get(self.related_model, value)
        if found is None:
            raise ValidationError(gettext("No such record, or it is not yours."))
        return found


class BusinessDateTime(fields.DateTime):
    """An ISO 8601 date-time; one with an offset is converted to the business time zone
    (naive times are in it), never dropped."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and len(value) > MOMENT_CHARACTERS:
            raise ValidationError(gettext("Not a valid date and time."))
        try:
            moment = super()._deserialize(value, attr, data, **kwargs)
        except (OverflowError, ValueError) as error:
            raise ValidationError(gettext("Not a valid date and time.")) from error
        return as_business_time(moment)


class BoundedDate(fields.Date):
    """An ISO 8601 date, read only if it is of a date's length."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and len(value) > MOMENT_CHARACTERS:
            raise ValidationError(gettext("Not a valid date."))
        return super()._deserialize(value, attr, data, **kwargs)


class ExactDecimal(fields.Decimal):
    """A decimal read as given: the value check refuses excess digits instead of
    marshmallow rounding them away."""

    def __init__(self, **kwargs):
        super().__init__(places=None, **kwargs)


def _minimum(field, column) -> list:
    """The column's declared minimum as a validator, and as numbers in the spec (apispec
    would give a decimal's bound as text and leave out that it is exclusive)."""
    declared = column.info.get(MINIMUM)
    if declared is None:
        return []
    bound, exclusive = declared
    field.metadata.update(minimum=bound, **({"exclusiveMinimum": True} if exclusive else {}))
    message = MESSAGES["above" if exclusive else "at_least"]
    return [validate.Range(min=bound, min_inclusive=not exclusive, error=message)]


def translated(field):
    """marshmallow's messages, which are English only, in the user's language."""
    field.error_messages.update(
        required=MESSAGES["required"], null=MESSAGES["required"], invalid=MESSAGES["invalid"]
    )
    for validator in field.validators:
        if isinstance(validator, validate.Length):
            validator.error = MESSAGES["max_length"]
    return field


def strict(field, column):
    """The field for `column` as the API should read it, with the spec's constraints."""
    return translated(_strict(field, column))


def _strict(field, column):
    if column is None or field.dump_only:
        return field
    if FILLED_BY_SERVICE in column.info:
        field.required = False
    if isinstance(field, fields.Enum) and column.nullable:
        # FAB 5.3's enum fields refuse null even on a nullable column, so that a PUT of one
        # field of a record whose choice is empty failed on the field it did not send.
        field.allow_none = True
    if isinstance(field, fields.DateTime) and not isinstance(field, BusinessDateTime):
        return BusinessDateTime(**_same_options(field))
    if isinstance(field, fields.Date) and not isinstance(field, BoundedDate):
        return BoundedDate(**_same_options(field))
    if isinstance(field, fields.Decimal) and not isinstance(field, ExactDecimal):
        exact = ExactDecimal(**_same_options(field))
        exact.validators.extend(_minimum(exact, column))
        scale, precision = column.type.scale or 0, column.type.precision
        exact.metadata["multipleOf"] = float(10**-scale)
        if precision:
            exact.metadata.update(maximum=10 ** (precision - scale), exclusiveMaximum=True)
        return exact
    if isinstance(field, fields.Integer):
        field.validators.append(validate.Range(min=INTEGER_RANGE[0], max=INTEGER_RANGE[1]))
        field.validators.extend(_minimum(field, column))
    elif isinstance(field, fields.String):
        multiline = isinstance(column.type, sa.Text)
        field.metadata["pattern"] = TEXT_PATTERN[multiline]
        if not any(isinstance(each, validate.Length) for each in field.validators):
            limit = column.info.get("max_length", TEXT_MAX)
            field.validators.append(validate.Length(max=limit, error=MESSAGES["max_length"]))
    return field


class QmsModel2SchemaConverter(Model2SchemaConverter):
    """FAB's converter with strict links, dates, times, decimals and stated limits."""

    def _column2relation(self, datamodel, column, nested=False, parent_schema_name=None):
        field = super()._column2relation(datamodel, column, nested, parent_schema_name)
        if type(field) is Related:
            link = RelatedRecord(**_same_options(field))
            # The spec says what a link is: the id of a record.
            link.metadata.update(type="integer", minimum=1, maximum=INTEGER_RANGE[1])
            return translated(link)
        return field

    def _column2field(self, datamodel, column, nested=True, parent_schema_name=None):
        field = super()._column2field(datamodel, column, nested, parent_schema_name)
        if datamodel.is_relation(column.name) or field is None:
            return field
        return strict(field, datamodel.obj.__table__.columns.get(column.name))
