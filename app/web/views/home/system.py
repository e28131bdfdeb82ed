"""The system's health on the home pages: for the administrator, the last sweep and its
duration, the queues, failed jobs, workers, exports and imports running, disk used by
exports; for quality, the audit trail's nightly check."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_babel import gettext

from app.core import models as m
from app.core.clock import business_zone
from app.core.models.choices import ExportStatus, ImportStatus, RunStatus
from app.extensions import db
from app.web.views.home.parts import Filter, Number, Part, counted, list_url
from app.web.views.local_values import show_count, show_datetime, show_number
from exports.service import export_dir
from jobs.audit import last_check
from jobs.health import QUEUES, last_sweep, queue_health

# The audit trail's check is due nightly: older than this, it is said to be late.
CHECK_LATE = dt.timedelta(hours=36)


def _local(moment: dt.datetime) -> dt.datetime:
    """A UTC moment (from Redis) in the business zone, as every time on screen."""
    return moment.astimezone(business_zone()).replace(tzinfo=None)


def _size(total: int) -> str:
    return gettext("%(size)s MB", size=show_number(total / 1_000_000, "#,##0.0"))


def system_health(home) -> Part:
    numbers = []
    sweep = last_sweep(db.session)
    if sweep is None:
        numbers.append(Number(gettext("Last sweep"), None, gettext("none yet"), tone="danger"))
    else:
        failed = sweep["status"] == RunStatus.failed
        numbers.append(
            Number(
                gettext("Last sweep"),
                None,
                show_datetime(sweep["started_at"]),
                list_url("RuleRunView"),
                "danger" if failed else "",
            )
        )
        if sweep["seconds"] is not None:
            numbers.append(
                Number(
                    gettext("Its duration"),
                    sweep["seconds"],
                    gettext("%(seconds)s s", seconds=show_number(sweep["seconds"], "#,##0.0")),
                )
            )
    queues = queue_health(current_app.config)
    if queues is None:
        numbers.append(Number(gettext("Job queue"), None, gettext("unreachable"), tone="danger"))
    else:
        waiting = sum(queue["waiting"] for queue in queues["queues"].values())
        failed = sum(queue["failed"] for queue in queues["queues"].values())
        numbers += [
            Number(gettext("Jobs waiting"), waiting, show_count(waiting)),
            Number(
                gettext("Failed jobs (a week)"),
                failed,
                show_count(failed),
                tone="danger" if failed else "",
            ),
            Number(
                gettext("Workers alive"),
                queues["workers"],
                show_count(queues["workers"]),
                tone="" if queues["workers"] else "danger",
            ),
        ]
    numbers.append(
        counted(
            gettext("Exports running"),
            "ExportJobView",
            m.ExportJob,
            (Filter("status", "eq", ExportStatus.running),),
        )
    )
    numbers.append(
        counted(
            gettext("Imports running"),
            "ImportJobView",
            m.ImportJob,
            (Filter("status", "eq", ImportStatus.running),),
        )
    )
    used = sum(path.stat().st_size for path in export_dir().glob("*") if path.is_file())
    numbers.append(Number(gettext("Disk used by exports"), used, _size(used)))
    note = ""
    if queues is not None:
        note = "; ".join(
            gettext(
                "%(queue)s: %(waiting)s waiting, %(failed)s failed",
                queue=name,
                waiting=show_count(queues["queues"][name]["waiting"]),
                failed=show_count(queues["queues"][name]["failed"]),
            )
            for name in QUEUES
        )
    return Part("system", gettext("System health"), numbers, note=note)


def audit_chain(home) -> Part:
    """The audit trail's last nightly check: when, how many entries, whether it held."""
    check = last_check(current_app.config)
    if check is None:
        number = Number(gettext("Last check"), None, gettext("none yet"), tone="warning")
        return Part(
            "audit_chain",
            gettext("Audit trail"),
            [number],
            note=gettext("The scheduler checks the audit trail every night (qms audit verify)."),
        )
    at = _local(check["at"])
    late = home.now - at > CHECK_LATE
    numbers = [
        Number(gettext("Last check"), None, show_datetime(at), tone="warning" if late else ""),
        Number(
            gettext("Result"),
            None,
            gettext("intact") if check["ok"] else gettext("broken"),
            list_url("AuditLogView"),
            "success" if check["ok"] else "danger",
        ),
        Number(gettext("Entries checked"), check["checked"], show_count(check["checked"])),
    ]
    note = ""
    if not check["ok"] and check.get("first_broken_seq"):
        note = gettext(
            "The first entry that does not hold is number %(seq)s.",
            seq=show_count(check["first_broken_seq"]),
        )
    return Part("audit_chain", gettext("Audit trail"), numbers, note=note)
