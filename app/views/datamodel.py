"""The data interface of every screen and API: FAB's, with a cheaper list count."""
import sqlalchemy as sa
from flask import current_app
from flask_appbuilder.models.sqla.interface import SQLAInterface


class QmsInterface(SQLAInterface):
    """Counts a list as `SELECT count(*) FROM table WHERE filters`.

    FAB counts `SELECT count(*) FROM (SELECT every list column ... LEFT OUTER JOIN each
    related table)`; the joins and columns cannot change the number of rows (they are
    many-to-one), so on a large table they only cost time. Filters (row-level scope and
    the user's search) are applied exactly as FAB applies them.
    """

    def query_count(self, query, filters=None, select_columns=None) -> int:
        if not current_app.config.get("FAST_LIST_COUNT", True):
            return super().query_count(query, filters, select_columns)
        query = self.apply_filters(query, self.get_inner_filters(filters))
        # count(pk) also names the table, which a bare count(*) without filters would not.
        primary_key = sa.inspect(self.obj).primary_key[0]
        return query.with_entities(sa.func.count(primary_key)).order_by(None).scalar()
