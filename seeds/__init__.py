"""Reference data, default rules and deterministic demo data."""
