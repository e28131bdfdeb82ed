"""QMS forms declared as data: one TOML file per form in exports/forms/ (or the folder
QMS_EXPORT_FORMS names) with its code, revision, effective date, the record type it
prints, its title in each language, its sections and signature lines. Adding a form or
changing its layout or revision is an edit of a file; the definitions are checked when
read and a mistake is reported with the file and the reason."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_locale

from app.core.entities import ENTITIES
from exports.columns import Resolver

SIGNATURES = ("prepared", "checked", "approved")
# Columns of a form sheet: a label column and the value columns a list section may use.
WIDTH = 6


class FormError(ValueError):
    """A form definition that cannot be used; says which file and why."""


def text_in(texts, language: str | None = None) -> str:
    """A text given per language ({en, ru, zh}), in the user's language (else English)."""
    if isinstance(texts, str):
        return texts
    language = language or str(get_locale() or "en").split("_")[0]
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")


@dataclass(frozen=True)
class Section:
    """Fields of the record, a list of its related records, blank fields or blank lines."""

    title: dict
    fields: tuple = ()
    list: str | None = None
    link: str | None = None
    order: str | None = None
    rows: int = 0
    answer: dict | None = None
    blank: tuple = ()
    lines: int = 0


@dataclass(frozen=True)
class Form:
    """One form definition."""

    code: str
    revision: str
    effective: dt.date
    entity: str
    title: dict
    sections: tuple[Section, ...]
    signatures: tuple[str, ...] = field(default_factory=tuple)
    source: str = ""


def model_of(key: str):
    """The model class of an entity key (the form's `entity`, a list's `list`)."""
    return ENTITIES[key].model if key in ENTITIES else None


def _check(form: Form) -> Form:
    where = form.source
    model = model_of(form.entity)
    if model is None:
        raise FormError(f"{where}: unknown record type {form.entity!r}")
    for number, section in enumerate(form.sections, start=1):
        target = model
        if section.list:
            target = model_of(section.list)
            if target is None:
                raise FormError(f"{where}: section {number}: unknown list {section.list!r}")
            if section.link not in target.__table__.columns:
                raise FormError(
                    f"{where}: section {number}: {section.list} has no column {section.link!r}"
                )
            extra = 1 if section.answer else 0
            if len(section.fields) + extra > WIDTH:
                raise FormError(f"{where}: section {number}: at most {WIDTH} columns in a list")
        resolver = Resolver(target)
        for index, path in enumerate(section.fields + ((section.order,) if section.order else ())):
            try:
                resolver.resolve(path, index)
            except (KeyError, AttributeError, sa.exc.InvalidRequestError):
                raise FormError(f"{where}: section {number}: unknown field {path!r}") from None
    unknown = set(form.signatures) - set(SIGNATURES)
    if unknown:
        raise FormError(f"{where}: unknown signature lines {sorted(unknown)}; use {SIGNATURES}")
    return form


FORM_KEYS = {"code", "revision", "effective", "entity", "title", "sections", "signatures"}
SECTION_KEYS = {"title", "fields", "list", "link", "order", "rows", "answer", "blank", "lines"}


def _unknown_keys(data: dict, where: str) -> None:
    """A misspelt key, or one under the wrong table (TOML puts every key after a
    [[sections]] header into that section), is refused rather than ignored."""
    unknown = set(data) - FORM_KEYS
    if unknown:
        raise FormError(f"{where}: unknown keys {sorted(unknown)}")
    for number, section in enumerate(data.get("sections", ()), start=1):
        unknown = set(section) - SECTION_KEYS
        if unknown:
            raise FormError(f"{where}: section {number}: unknown keys {sorted(unknown)}")


def _parse(path: Path) -> Form:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        _unknown_keys(data, path.name)
        sections = tuple(
            Section(
                title=each["title"],
                fields=tuple(each.get("fields", ())),
                list=each.get("list"),
                link=each.get("link"),
                order=each.get("order"),
                rows=int(each.get("rows", 0)),
                answer=each.get("answer"),
                blank=tuple(each.get("blank", ())),
                lines=int(each.get("lines", 0)),
            )
            for each in data.get("sections", ())
        )
        form = Form(
            code=str(data["code"]),
            revision=str(data["revision"]),
            effective=data["effective"],
            entity=data["entity"],
            title=data["title"],
            sections=sections,
            signatures=tuple(data.get("signatures", ())),
            source=path.name,
        )
    except FormError:
        raise
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as error:
        raise FormError(f"{path.name}: {error}") from None
    return _check(form)


@lru_cache(maxsize=4)
def _load(folder: str, stamp: tuple) -> dict[str, Form]:
    forms = {}
    for path in sorted(Path(folder).glob("*.toml")):
        form = _parse(path)
        if form.code in forms:
            raise FormError(
                f"{path.name}: form code {form.code} is also in {forms[form.code].source}"
            )
        forms[form.code] = form
    return forms


def all_forms() -> dict[str, Form]:
    """Every form by code, re-read when a file in the folder changes."""
    folder = Path(current_app.config["EXPORT_FORMS_DIR"])
    stamp = tuple((path.name, path.stat().st_mtime) for path in sorted(folder.glob("*.toml")))
    return _load(str(folder), stamp)


def forms_for(entity: str) -> list[Form]:
    """The forms that print a record of `entity` (a table name)."""
    return [form for form in all_forms().values() if form.entity == entity]


def find_form(code: str) -> Form:
    try:
        return all_forms()[code]
    except KeyError:
        raise LookupError(code) from None
