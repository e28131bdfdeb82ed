"""FAB validates every list and item request's `q` with `jsonschema.validate`, which first
checks the schema itself: 5 ms of each API request, for schemas that are constants. The
same validation with each schema checked once; errors are jsonschema's own (best match)."""

from __future__ import annotations

import jsonschema
import jsonschema.exceptions
import jsonschema.validators
from flask_appbuilder import api as fab_api


class CheckedOnce:
    """Stands in for the `jsonschema` module inside FAB's API module."""

    ValidationError = jsonschema.ValidationError

    def __init__(self):
        self._validators: dict[int, object] = {}

    def validate(self, instance, schema) -> None:
        validator = self._validators.get(id(schema))
        if validator is None:
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            validator = self._validators.setdefault(id(schema), cls(schema))
        error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error


def install() -> None:
    if not isinstance(fab_api.jsonschema, CheckedOnce):
        fab_api.jsonschema = CheckedOnce()
