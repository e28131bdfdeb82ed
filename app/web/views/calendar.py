"""The calendar: a month or a week of what is due — one's own, or a branch's — and the
private calendar address (an ICS feed by a secret token the user can remake) that shows
the same dates in Outlook or on a phone."""

from __future__ import annotations

import calendar as calendar_module
import datetime as dt
from dataclasses import replace

from babel.dates import format_skeleton
from flask import Response, abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import force_locale, gettext
from icalendar import Calendar, Event

from app.core.actor import acting, role_names
from app.core.agenda import Agenda, Item, agenda
from app.core.clock import business_now, business_zone
from app.core.permissions import METHOD_PERMISSIONS
from app.core.services import calendar_feed
from app.rules.titles import shown_title
from app.web.views.home import filter_choices
from app.web.views.local_values import date_pattern, language, read_date, show_date
from app.web.views.task import record_url

# The feed covers a month back and half a year ahead.
FEED_PAST, FEED_AHEAD = dt.timedelta(days=31), dt.timedelta(days=183)
# Items drawn in a day of the month view; the week view shows them all.
DAY_ITEMS = 4


def _range(view: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The days a month view (whole weeks, Monday first) or a week view shows."""
    if view == "week":
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=6)
    first = day.replace(day=1)
    last = first.replace(day=calendar_module.monthrange(first.year, first.month)[1])
    return first - dt.timedelta(days=first.weekday()), last + dt.timedelta(days=6 - last.weekday())


def _step(view: str, day: dt.date, forward: bool) -> dt.date:
    if view == "week":
        return day + dt.timedelta(days=7 if forward else -7)
    month = day.month + (1 if forward else -1)
    year = day.year + (month > 12) - (month < 1)
    return dt.date(year, (month - 1) % 12 + 1, 1)


def item_url(item: Item, external: bool = False) -> str | None:
    return record_url(item.entity, item.record_id, external)


class CalendarView(BaseView):
    """A month or a week of one's own or a branch's due dates, and the private address."""

    route_base = "/calendar"
    class_permission_name = "Task"
    default_view = "show_calendar"
    method_permission_name = {
        name: METHOD_PERMISSIONS[name] for name in ("show_calendar", "feed_address")
    }

    @expose("/")
    @has_access
    def show_calendar(self):
        today = business_now().date()
        view = "week" if request.args.get("view") == "week" else "month"
        try:
            day = read_date(request.args["day"]) if request.args.get("day") else today
        except ValueError:
            day = today
        choices = filter_choices(g.user, role_names(g.user)) or {"branches": []}
        branches = dict(choices["branches"])
        whose = request.args.get("branch", "")
        branch = int(whose) if whose.isdigit() and int(whose) in branches else None
        start, end = _range(view, day)
        found: Agenda = agenda(start, end, user=None if branch else g.user, branch=branch)
        by_day: dict[dt.date, list[Item]] = {}
        for item in found.items:
            by_day.setdefault(item.day, []).append(replace(item, title=shown_title(item.title)))
        days = [start + dt.timedelta(days=offset) for offset in range((end - start).days + 1)]
        keep = {"view": view, **({"branch": branch} if branch else {})}
        return self.render_template(
            "calendar.html",
            view=view,
            day=day,
            today=today,
            weeks=[days[index : index + 7] for index in range(0, len(days), 7)],
            by_day=by_day,
            capped=found.capped,
            branch=branch,
            branches=choices["branches"],
            heading=self._heading(view, day, start, end),
            weekday_names=[
                format_skeleton(
                    "EEE", dt.date(2026, 11, 30) + dt.timedelta(days=offset), locale=language()
                )
                for offset in range(7)
            ],
            links={
                "previous": url_for(
                    ".show_calendar", day=_step(view, day, False).isoformat(), **keep
                ),
                "next": url_for(".show_calendar", day=_step(view, day, True).isoformat(), **keep),
                "today": url_for(".show_calendar", **keep),
                "month": url_for(
                    ".show_calendar", day=day.isoformat(), **{**keep, "view": "month"}
                ),
                "week": url_for(".show_calendar", day=day.isoformat(), **{**keep, "view": "week"}),
            },
            item_url=item_url,
            day_items=DAY_ITEMS,
            show_date=show_date,
            has_feed=calendar_feed.has_feed(g.user),
            new_address=None,
            date_pattern=date_pattern(),
        )

    @staticmethod
    def _heading(view: str, day: dt.date, start: dt.date, end: dt.date) -> str:
        if view == "week":
            return f"{show_date(start)} – {show_date(end)}"
        return format_skeleton("yMMMM", day, locale=language())

    @expose("/address", methods=["POST"])
    @has_access
    def feed_address(self):
        """Make (or remake) the user's private address, shown once; or stop it."""
        if request.form.get("action") == "remove":
            calendar_feed.remove(g.user)
            flash(gettext("Your calendar address no longer works."), "info")
            return redirect(url_for(".show_calendar"))
        token = calendar_feed.make_token(g.user)
        address = url_for("CalendarFeedView.feed", token=token, lang=language(), _external=True)
        flash(
            gettext(
                "Your private calendar address (copy it now: it is not shown again; any "
                "earlier address no longer works): %(address)s",
                address=address,
            ),
            "warning",
        )
        return redirect(url_for(".show_calendar"))


class CalendarFeedView(BaseView):
    """The private ICS feed: opened by its secret token, without signing in."""

    route_base = "/calendar-feed"
    default_view = "feed"

    @expose("/<token>.ics")
    def feed(self, token):
        user = calendar_feed.owner_of(token)
        if user is None:
            abort(404)
        lang = request.args.get("lang", "en")
        today = business_now().date()
        with acting(user), force_locale(lang if lang in ("en", "ru", "zh") else "en"):
            found = agenda(today - FEED_PAST, today + FEED_AHEAD, user=user)
            body = ics(found, gettext("qms-crm: %(name)s", name=str(user)))
        response = Response(body, mimetype="text/calendar")
        response.headers["Content-Disposition"] = 'inline; filename="qms-crm.ics"'
        response.headers["Cache-Control"] = "private, max-age=300"
        return response


def ics(found: Agenda, name: str) -> bytes:
    """The items as an iCalendar: a timed item an event of half an hour in the business
    zone, a dated one an all-day event; each with its record's address."""
    feed = Calendar()
    feed.add("prodid", "-//qms-crm//calendar feed//EN")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", name)
    zone = business_zone()
    stamp = dt.datetime.now(dt.UTC)
    for item in found.items:
        event = Event()
        event.add("uid", f"{item.entity}-{item.record_id}-{item.kind}@qms-crm")
        event.add("dtstamp", stamp)
        event.add("summary", shown_title(item.title))
        if item.at is None:
            event.add("dtstart", item.day)
            event.add("dtend", item.day + dt.timedelta(days=1))
        else:
            begins = item.at.replace(tzinfo=zone)
            event.add("dtstart", begins)
            event.add("dtend", begins + dt.timedelta(minutes=30))
        details = [part for part in (item.client, item.person) if part]
        if details:
            event.add("description", " — ".join(details))
        event.add("url", item_url(item, external=True))
        feed.add_component(event)
    feed.add_missing_timezones()
    return feed.to_ical()
