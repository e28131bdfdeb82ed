"""Background work on RQ: the connection, queues and the worker."""
