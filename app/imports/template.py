"""The import template of an entity: an .xlsx whose first sheet has the importable fields as
headers in the reader's language (a required field marked *), drop-downs for choices,
yes/no and reference lists, and an instructions sheet saying what each column takes, how
rows find the records they update, and what the modes do."""

from __future__ import annotations

import io

import sqlalchemy as sa
import xlsxwriter
from flask_babel import gettext

from app.core.entities import ENTITIES
from app.core.models import Client, Complaint, Contact, Invoice, User
from app.core.visible import within_scope
from app.extensions import db
from app.imports import columns as c
from app.imports.columns import ImportField

# Linked records offered as a drop-down when there are at most this many (reference lists,
# a manager's own clients); more are typed.
DROP_DOWN_MAX = 500
TEMPLATE_ROWS = 1000
# Linked records that are typed, never offered as a list (too many, or per client).
TYPED = (Client, Contact, Invoice, Complaint)


def _kind_text(field: ImportField) -> str:
    return {
        c.TEXT: gettext("Text"),
        c.WHOLE: gettext("Whole number"),
        c.DECIMAL: gettext("Number; a decimal comma or point, spaces between thousands"),
        c.DATE: gettext("Date: 31.12.2026 or 2026-12-31"),
        c.MOMENT: gettext("Date and time: 31.12.2026 14:30"),
        c.BOOLEAN: gettext("Yes or no"),
        c.CHOICE: gettext("One of the list"),
        c.LINK: _link_text(field),
    }[field.kind]


def _link_text(field: ImportField) -> str:
    if field.target is Client:
        return gettext("The client's tax ID or name")
    if field.target is User:
        return gettext("The user's username, e-mail or full name")
    if field.target is Contact:
        return gettext("The contact's e-mail or full name, among the client's contacts")
    if field.target in (Invoice, Complaint):
        return gettext("Its number")
    return gettext("Its name, as in the list")


def _choices(field: ImportField) -> list[str]:
    if field.kind == c.CHOICE:
        return [str(member.label) for member in field.choices]
    if field.kind == c.BOOLEAN:
        return [gettext("Yes"), gettext("No")]
    if field.kind == c.LINK and field.target not in TYPED:
        model = field.target
        label = model.username if model is User else getattr(model, "name", None)
        if label is None:
            return []
        statement = sa.select(label).order_by(label).limit(DROP_DOWN_MAX + 1)
        names = [str(name) for name in db.session.scalars(within_scope(statement, model))]
        return names if len(names) <= DROP_DOWN_MAX else []
    return []


def template(key: str) -> bytes:
    """The template of the entity `key`, in the current language."""
    entity = ENTITIES[key]
    fields = c.import_fields(key)
    keys = set(c.key_fields(entity))
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False})
    head = book.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True})
    required = book.add_format(
        {"bold": True, "bg_color": "#F8E0B0", "border": 1, "text_wrap": True}
    )
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    data = book.add_worksheet(str(entity.many)[:31])
    lists = book.add_worksheet("lists")
    notes = book.add_worksheet(gettext("Instructions")[:31])
    for column, field in enumerate(fields):
        label = str(field.label) + (" *" if field.required else "")
        data.write_string(0, column, label, required if field.required else head)
        data.set_column(column, column, max(14, min(40, len(label) + 4)))
        options = _choices(field)
        if options:
            lists.write_column(0, column, options)
            letter = xlsxwriter.utility.xl_col_to_name(column)
            data.data_validation(
                1,
                column,
                TEMPLATE_ROWS,
                column,
                {
                    "validate": "list",
                    "source": f"=lists!${letter}$1:${letter}${len(options)}",
                    "error_type": "warning",
                },
            )
        elif field.kind in (c.DATE, c.MOMENT):
            data.set_column(column, column, 18)
    data.freeze_panes(1, 0)
    lists.hide()
    _instructions(notes, entity, fields, keys, bold, wrap)
    book.close()
    return output.getvalue()


def _instructions(sheet, entity, fields, keys, bold, wrap) -> None:
    sheet.set_column(0, 0, 32)
    sheet.set_column(1, 1, 12)
    sheet.set_column(2, 2, 70)
    sheet.write_string(0, 0, gettext("Import of %(what)s", what=str(entity.many)), bold)
    lines = [
        gettext(
            "Fill one row per record under the headers of the first sheet. Columns marked * "
            "are required for a new record. Columns may be in any order; headers may be in "
            "English, Russian or Chinese."
        ),
        gettext(
            "A row finds the record it updates by: %(key)s. Create and update (the default) "
            "adds the rows that find none and updates the others; an empty cell leaves the "
            "stored value as it is. Importing the same file again changes nothing.",
            key=_key_text(entity),
        ),
        gettext(
            "The file is checked first: nothing is written until every row is right, and "
            "then all rows are written together. A check lists each problem by row and column."
        ),
    ]
    row = 2
    for line in lines:
        sheet.merge_range(row, 0, row, 2, line, wrap)
        sheet.set_row(row, 48)
        row += 1
    row += 1
    for column, title in enumerate(
        (gettext("Column"), gettext("Required"), gettext("What to write"))
    ):
        sheet.write_string(row, column, title, bold)
    for field in fields:
        row += 1
        sheet.write_string(row, 0, str(field.label))
        marks = [gettext("Yes")] if field.required else []
        if field.name in keys:
            marks.append(gettext("finds the record"))
        sheet.write_string(row, 1, ", ".join(marks))
        what = _kind_text(field)
        if field.kind == c.CHOICE:
            what += ": " + ", ".join(str(member.label) for member in field.choices)
        sheet.write_string(row, 2, what, wrap)


def _key_text(entity) -> str:
    parts = []
    for part in entity.import_key:
        names = part if isinstance(part, tuple) else (part,)
        labels = [str(ImportField(name, c.TEXT, False).label) for name in names]
        parts.append(gettext(" or ").join(labels) if len(labels) > 1 else labels[0])
    return " + ".join(parts)
