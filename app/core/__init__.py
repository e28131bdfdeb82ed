"""The core layer: what an entity is, declared once (its model, key, labels, permission,
menu place, register, audit and row scope), for every other layer to read. It imports the
models and SQLAlchemy, never a screen, an API, an export or a job."""
