"""Roles and permissions as data, and the row-level rules."""
