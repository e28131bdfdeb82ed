"""Form codes, revisions and effective dates of the exported documents: configuration
(exports/documents.toml, or the file QMS_EXPORT_DOCUMENTS names), read once per file."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import current_app


@dataclass(frozen=True)
class Document:
    """What the header block of an exported document states about it."""

    code: str
    revision: str
    effective: dt.date


@lru_cache(maxsize=4)
def _load(path: str, modified: float) -> dict:
    with Path(path).open("rb") as handle:
        return tomllib.load(handle)


def document(group: str, key: str) -> Document:
    """The document data of `key` in `group` ("registers", "forms"), else the default."""
    path = Path(current_app.config["EXPORT_DOCUMENTS_FILE"])
    data = _load(str(path), path.stat().st_mtime)
    entry = {**data.get("default", {}), **data.get(group, {}).get(key, {})}
    effective = entry.get("effective")
    if isinstance(effective, str):
        effective = dt.date.fromisoformat(effective)
    return Document(str(entry.get("code", "")), str(entry.get("revision", "")), effective)
