"""Screens for the reference lists an administrator keeps."""

from app.models import Branch, Department, Industry, Segment, Source
from app.views.base import QmsModelView
from app.views.datamodel import QmsInterface
from app.views.formatters import translated


class ReferenceView(QmsModelView):
    """A name list; sorted by name."""

    list_columns = ["name"]
    search_columns = ["name"]
    add_columns = edit_columns = show_columns = ["name"]
    order_columns = ["name"]
    base_order = ("name", "asc")
    # The starting lists are kept in English and read in the reader's language.
    formatters_columns = {"name": translated}


class BranchView(ReferenceView):
    """Branches and their heads."""

    datamodel = QmsInterface(Branch)
    class_permission_name = "Branch"
    list_columns = add_columns = edit_columns = show_columns = ["name", "head"]


class DepartmentView(ReferenceView):
    """Departments."""

    datamodel = QmsInterface(Department)
    class_permission_name = "Department"


class IndustryView(ReferenceView):
    """Industries."""

    datamodel = QmsInterface(Industry)
    class_permission_name = "Industry"


class SourceView(ReferenceView):
    """Sources: how clients heard of us."""

    datamodel = QmsInterface(Source)
    class_permission_name = "Source"


class SegmentView(ReferenceView):
    """Client segments."""

    datamodel = QmsInterface(Segment)
    class_permission_name = "Segment"
