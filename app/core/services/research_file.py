"""A research's files on disk: taken within a size limit and a list of types (each checked
by its content, not only its name), written under a random name, and removed from disk
only once their record's deletion is committed. A rolled-back upload leaves no file."""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import tempfile
import unicodedata
import zipfile
from pathlib import Path, PurePath

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core.models import Research, ResearchFile
from app.core.services.errors import DomainError

# Types taken, by extension: the content type served, and what the content must be.
PDF, OFFICE, PNG, JPEG, TEXT = "pdf", "office", "png", "jpeg", "text"
TYPES = {
    ".pdf": ("application/pdf", PDF),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", OFFICE),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", OFFICE),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", OFFICE),
    ".png": ("image/png", PNG),
    ".jpg": ("image/jpeg", JPEG),
    ".jpeg": ("image/jpeg", JPEG),
    ".csv": ("text/csv", TEXT),
    ".txt": ("text/plain", TEXT),
}
SIGNATURES = {PDF: b"%PDF-", PNG: b"\x89PNG\r\n\x1a\n", JPEG: b"\xff\xd8\xff"}
NAME_LENGTH = 255
# Session keys: files written in the transaction, files to remove when it commits.
WRITTEN, REMOVED = "research_files_written", "research_files_removed"


def file_dir() -> Path:
    configured = current_app.config.get("RESEARCH_FILE_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "research"
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(record: ResearchFile) -> Path:
    return file_dir() / record.stored_name


def max_bytes() -> int:
    return int(current_app.config.get("RESEARCH_FILE_MAX_MB", 20)) * 1024 * 1024


def allowed() -> str:
    """The extensions taken, as a user reads them."""
    return ", ".join(sorted(TYPES))


def _refuse(message) -> DomainError:
    return DomainError({"file": message})


def clean_name(file_name: str | None) -> str:
    """The name without any folder part or control characters, within the column."""
    name = PurePath((file_name or "").replace("\\", "/")).name
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if ch.isprintable()).strip()
    if not name or name.startswith("."):
        raise _refuse(_("The file has no name."))
    stem, dot, extension = name.rpartition(".")
    return name if len(name) <= NAME_LENGTH else stem[: NAME_LENGTH - 10] + dot + extension


def content_type(data: bytes, name: str) -> str:
    """The type the content is, when it is one taken and agrees with the name."""
    kind = TYPES.get(Path(name).suffix.lower())
    if kind is None:
        raise _refuse(_("Files of these types are taken: %(types)s.", types=allowed()))
    served, check = kind
    if not _is(check, data):
        raise _refuse(_("The file's content is not what its name says (%(name)s).", name=name))
    return served


def _is(check: str, data: bytes) -> bool:
    if check in SIGNATURES:
        return data.startswith(SIGNATURES[check])
    if check == TEXT:
        try:
            return "\x00" not in data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return "[Content_Types].xml" in package.namelist()
    except zipfile.BadZipFile:
        return False


def attach(
    session: Session, research: Research, data: bytes, file_name: str, description=None
) -> ResearchFile:
    """Keep `data` as a file of `research`: checked, written, recorded (flushed, so that
    the research's checks run now). Raises DomainError and writes nothing when refused."""
    name = clean_name(file_name)
    if not data:
        raise _refuse(_("The file is empty."))
    if len(data) > max_bytes():
        raise _refuse(
            _(
                "The file is larger than %(size)s MB.",
                size=current_app.config["RESEARCH_FILE_MAX_MB"],
            )
        )
    served = content_type(data, name)
    stored = secrets.token_hex(16) + Path(name).suffix.lower()
    target = file_dir() / stored
    _write(target, data)
    session.info.setdefault(WRITTEN, []).append(target)
    record = ResearchFile(
        research=research,
        file_name=name,
        description=(description or "").strip() or None,
        content_type=served,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        stored_name=stored,
    )
    session.add(record)
    session.flush()
    return record


def _write(target: Path, data: bytes) -> None:
    """Whole or not at all: a reader never sees half a file."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def forget(session: Session, paths) -> None:
    """Remove these files from disk once the transaction deleting their records commits."""
    session.info.setdefault(REMOVED, []).extend(paths)


def files_of(session: Session, research_id: int) -> list[Path]:
    names = session.scalars(
        sa.select(ResearchFile.stored_name).where(ResearchFile.research_id == research_id)
    )
    return [file_dir() / name for name in names]


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(WRITTEN, None)
    for path in session.info.pop(REMOVED, ()):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is not None:
        return
    session.info.pop(REMOVED, None)
    for path in session.info.pop(WRITTEN, ()):
        path.unlink(missing_ok=True)
