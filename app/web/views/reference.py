"""Screens for the reference lists an administrator keeps."""

from app.web.views.base import QmsModelView
from app.web.views.formatters import translated


class ReferenceView(QmsModelView):
    """A name list; sorted by name."""

    # The starting lists are kept in English and read in the reader's language.
    formatters_columns = {"name": translated}


class BranchView(ReferenceView):
    """Branches and their heads."""

    entity_key = "branch"


class DepartmentView(ReferenceView):
    """Departments."""

    entity_key = "department"


class IndustryView(ReferenceView):
    """Industries."""

    entity_key = "industry"


class SourceView(ReferenceView):
    """Sources: how clients heard of us."""

    entity_key = "source"


class SegmentView(ReferenceView):
    """Client segments."""

    entity_key = "segment"
