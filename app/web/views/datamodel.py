"""The data interface of every screen and API: FAB's, with a cheaper list count."""

import logging

import sqlalchemy as sa
from flask import current_app
from flask_appbuilder.exceptions import DatabaseException
from flask_appbuilder.models.filters import Filters
from flask_appbuilder.models.sqla.filters import (
    FilterEqual,
    FilterGreater,
    FilterNotEqual,
    FilterSmaller,
    FilterStartsWith,
    SQLAFilterConverter,
)
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from app.core.models.base import search_key
from app.core.services.errors import DomainError, StaleEdit
from app.core.services.values import INTEGER_RANGE

log = logging.getLogger(__name__)
# Above every character, so `key <= value < key + TOP` is exactly "starts with key".
TOP = "\U0010ffff"


def valid_id(value) -> bool:
    """A record id as a URL or form gives it: a whole number within the id column's range."""
    text = str(value).strip()
    return text.isascii() and text.isdigit() and 0 < int(text) <= INTEGER_RANGE[1]


class KeyStartsWith(FilterStartsWith):
    """FAB's "Starts with" (same name and URL code) as a range on `<column>_key`, which an
    index serves; ILIKE 'x%' scans the whole table on SQLite and PostgreSQL alike."""

    def apply(self, query, value):
        key_column = getattr(self.model, f"{self.column_name}_key", None)
        if key_column is None:  # FAB's global filter map may hand us any model's column
            return super().apply(query, value)
        key = search_key(value) or ""
        return query.filter(key_column >= key, key_column < key + TOP)


def _refused(error) -> DomainError:
    """FAB would show the database's own message (SQL, values); the user gets a plain one,
    the log gets the details."""
    log.error("database refused a change: %s", error)
    return DomainError(
        _(
            "The database refused this change (a link to a missing record or a "
            "duplicate value); nothing was saved."
        )
    )


class QmsFilters(Filters):
    """REST filters use the column's own filter for each operation; FAB looks the
    operation up in a process-wide map that the last filter created wins."""

    def rest_add_filters(self, data) -> None:
        for item in data:
            own = next(
                (
                    candidate
                    for candidate in self._search_filters.get(item.get("col"), ())
                    if candidate.arg_name == item.get("opr")
                ),
                None,
            )
            if own is None:
                super().rest_add_filters([item])  # FAB's checks and error messages
            else:
                self.add_filter(item["col"], type(own), item.get("value"))


class QmsFilterConverter(SQLAFilterConverter):
    """FAB's filters, with KeyStartsWith for columns that have a search key, and
    comparisons for time-of-day columns (FAB has none, and warns at every start)."""

    conversion_table = SQLAFilterConverter.conversion_table + (
        ("is_time", [FilterEqual, FilterGreater, FilterSmaller, FilterNotEqual]),
    )

    def convert(self, col_name):
        filters = super().convert(col_name) or []
        if not hasattr(self.datamodel.obj, f"{col_name}_key"):
            return filters
        return [
            KeyStartsWith(col_name, self.datamodel) if type(item) is FilterStartsWith else item
            for item in filters
        ]


class QmsInterface(SQLAInterface):
    """Counts a list as `SELECT count(*) FROM table WHERE filters`.

    FAB counts `SELECT count(*) FROM (SELECT every list column ... LEFT OUTER JOIN each
    related table)`; the joins and columns cannot change the number of rows (they are
    many-to-one), so on a large table they only cost time. Filters (row-level scope and
    the user's search) are applied exactly as FAB applies them.
    """

    filter_converter_class = QmsFilterConverter

    def get(self, id, filters=None, select_columns=None, outer_default_load=False):  # noqa: A002
        """One record by id, within `filters` (the row scope): a plain query. FAB's get
        builds outer joins for every related column of the page, which costs more to
        construct than the related rows cost to load. An id the database cannot hold is
        no record (404), not an overflow inside the driver."""
        if not valid_id(id):
            return None
        query = (
            self.session.query(self.obj)
            .filter(self.obj.id == int(id))
            .options(*self._linked_records())
        )
        return self.apply_filters(query, filters).one_or_none()

    def query(
        self,
        filters=None,
        order_column: str = "",
        order_direction: str = "",
        page=None,
        page_size=None,
        select_columns=None,
        outer_default_load: bool = False,
    ):
        """A list page: FAB's filters, order (the id breaking ties) and paging, with the
        linked records joined in one statement SQLAlchemy compiles once, instead of the
        aliased joins FAB builds anew for every related column. An order by a related
        column's field is FAB's."""
        if "." in (order_column or "") or not current_app.config.get("FAST_LIST_COUNT", True):
            return super().query(
                filters,
                order_column,
                order_direction,
                page,
                page_size,
                select_columns,
                outer_default_load,
            )
        query = self.session.query(self.obj)
        count = self.query_count(query, filters, select_columns)
        query = self.apply_filters(query, self.get_inner_filters(filters))
        query = self.apply_order_by(query, order_column, order_direction, add_pk=True)
        query = self.apply_pagination(query, page, page_size)
        return count, query.options(*self._linked_records()).all()

    def _linked_records(self) -> list:
        """Load the records a page or answer names (client, owner, branch, ...) with the
        record itself, in one statement SQLAlchemy compiles once, rather than one query
        each."""
        return [
            sa.orm.joinedload(getattr(self.obj, relationship.key))
            for relationship in self.obj.__mapper__.relationships
            if relationship.direction.name == "MANYTOONE"
        ]

    def is_time(self, col_name: str) -> bool:
        column = self.list_columns.get(col_name)
        return column is not None and isinstance(column.type, sa.Time)

    def add(self, item, commit: bool = True) -> None:
        try:
            super().add(item, commit)
        except SQLAlchemyError as error:
            raise _refused(error) from error

    def edit(self, item, commit: bool = True) -> None:
        """FAB's edit; losing the race for a version is a stale edit (409)."""
        try:
            super().edit(item, commit)
        except DatabaseException as error:
            if isinstance(error.__cause__, StaleDataError):
                raise StaleEdit.lost_race() from error
            raise _refused(error.__cause__) from error

    def delete(self, item, commit: bool = True) -> None:
        try:
            super().delete(item, commit)
        except (DatabaseException, SQLAlchemyError) as error:
            raise _refused(error.__cause__ or error) from error

    def get_filters(self, search_columns=None, search_filters=None):
        return QmsFilters(
            self.filter_converter_class,
            self,
            search_columns=search_columns or [],
            search_filters=search_filters,
        )

    def query_count(self, query, filters=None, select_columns=None) -> int:
        if not current_app.config.get("FAST_LIST_COUNT", True):
            return super().query_count(query, filters, select_columns)
        query = self.apply_filters(query, self.get_inner_filters(filters))
        # count(*) over the ids: SQLite then counts the smallest index; count(id) would
        # read the table itself (12x slower at a million rows).
        primary_key = sa.inspect(self.obj).primary_key[0]
        ids = query.with_entities(primary_key).order_by(None).subquery()
        return self.session.query(sa.func.count()).select_from(ids).scalar()
