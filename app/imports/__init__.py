"""Imports (issue 14): reading the files people bring (spreadsheets and CSV, later bank
statements) into rows, and, built on the entity registry, turning rows into records
through the same services as a form save."""
