"""Form fields for the views: enum choices shown with translated labels."""

import json

from flask_babel import lazy_gettext as _
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Optional


class ChoiceField(SelectField):
    """A drop-down of an enum's members, labelled in the user's language."""

    def __init__(self, enum_class, label=None, nullable=False, default=None, **kwargs):
        self.enum_class = enum_class
        choices = [(member.value, member.label) for member in enum_class]
        if nullable:
            choices.insert(0, ("", "—"))
        validators = [Optional()] if nullable else [InputRequired()]
        super().__init__(
            label=label,
            choices=choices,
            coerce=self._coerce,
            default=default,
            validators=validators,
            **kwargs,
        )

    def _coerce(self, value):
        if value in (None, ""):
            return None
        return self.enum_class(value.value if isinstance(value, self.enum_class) else value)

    def pre_validate(self, form):
        if self.data is None and any(v == "" for v, _ in self.choices):
            return
        super().pre_validate(form)


class JSONField(TextAreaField):
    """A JSON document edited as text; the service checks what it means."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else json.dumps(self.data, ensure_ascii=False, indent=2)

    def process_formdata(self, valuelist) -> None:
        if valuelist:
            text = valuelist[0].strip()
            try:
                self.data = json.loads(text) if text else None
            except ValueError as error:
                self.data = None
                raise ValueError(_("Not valid JSON: %(error)s", error=str(error))) from None
