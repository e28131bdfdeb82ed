"""Form fields for the views: enum choices shown with translated labels; dates, times and
numbers typed as the user writes them."""

import json
from datetime import datetime

from flask_babel import lazy_gettext as _
from wtforms import Field, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import HiddenInput, TextInput

from app.web.views import local_values as local

# The value a box shows as its example of how to write one.
EXAMPLE = datetime(2026, 12, 31, 14, 30)


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

    def __call__(self, **kwargs):
        return super().__call__(**_styled(kwargs))

    def pre_validate(self, form):
        if self.data is None and any(v == "" for v, _ in self.choices):
            return
        super().pre_validate(form)


class HiddenField(IntegerField):
    """A number the form carries back unseen (a record's version). Named so that FAB's form
    template, which skips fields of type HiddenField, gives it no labelled row."""

    widget = HiddenInput()


def _styled(kwargs: dict) -> dict:
    """Bootstrap's look for a box or drop-down, whatever classes the template passes."""
    classes = kwargs.pop("class_", kwargs.pop("class", ""))
    kwargs["class"] = " ".join(dict.fromkeys(f"form-control {classes}".split()))
    return kwargs


class JSONField(TextAreaField):
    """A JSON document edited as text; the service checks what it means."""

    def __call__(self, **kwargs):
        # The stored form, behind a structured editor where a screen has one.
        kwargs.setdefault("data-raw-json", "true")
        return super().__call__(**kwargs)

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


class LocalValueField(Field):
    """A text box for a value written in the user's language. What cannot be read is
    refused with the expected form and left as typed, never turned into another value."""

    widget = TextInput()
    kind = "number"

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.show(self.data)

    def process_formdata(self, valuelist) -> None:
        if not valuelist:
            return
        text = valuelist[0].strip()
        if not text:
            self.data = None
            return
        try:
            self.data = self.read(text)
        except ValueError:
            self.data = None
            raise ValueError(self.refusal()) from None

    def __call__(self, **kwargs):
        kwargs.setdefault("autocomplete", "off")
        kwargs.setdefault("data-value-kind", self.kind)
        kwargs.setdefault("placeholder", self.example())
        return super().__call__(**_styled(kwargs))


class LocalDateField(LocalValueField):
    """A date: 31.12.2026 in Russian, 2026-12-31 in English and Chinese (ISO always)."""

    kind = "date"

    def show(self, value) -> str:
        return local.show_date(value)

    def read(self, text):
        return local.read_date(text)

    def example(self) -> str:
        return local.show_date(EXAMPLE.date())

    def refusal(self) -> str:
        return str(_("Not a date: type it as %(example)s.", example=self.example()))

    def __call__(self, **kwargs):
        kwargs.setdefault("data-pattern", local.date_pattern())
        kwargs.setdefault("data-calendar-title", str(_("Choose on a calendar")))
        return super().__call__(**kwargs)


class LocalDateTimeField(LocalDateField):
    """A date and time in business time; seconds already stored are kept when the minute
    shown is saved unchanged."""

    kind = "datetime"

    def show(self, value) -> str:
        return local.show_datetime(value)

    def read(self, text):
        return local.read_datetime(text)

    def populate_obj(self, obj, name) -> None:
        # FAB builds the edit form from the request alone: the stored value is read here.
        stored = getattr(obj, name, None)
        if not (stored is not None and stored.replace(second=0, microsecond=0) == self.data):
            setattr(obj, name, self.data)

    def example(self) -> str:
        return local.show_datetime(EXAMPLE)

    def refusal(self) -> str:
        return str(_("Not a date and time: type it as %(example)s.", example=self.example()))

    def __call__(self, **kwargs):
        kwargs["data-pattern"] = local.datetime_pattern()
        return super().__call__(**kwargs)


class LocalNumberField(LocalValueField):
    """An amount: 1 234,56 in Russian, 1,234.56 in English (1234.56 always)."""

    def show(self, value) -> str:
        return local.show_number(value)

    def read(self, text):
        return local.read_number(text)

    def example(self) -> str:
        return local.show_number(1234.56)

    def refusal(self) -> str:
        return str(_("Not a number: type it as %(example)s.", example=self.example()))

    def __call__(self, **kwargs):
        kwargs.setdefault("inputmode", "decimal")
        return super().__call__(**kwargs)
