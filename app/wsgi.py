"""The WSGI application for a server of your choice (`qms web` runs gunicorn on it):
configured from the QMS_* environment variables."""

from app import create_app

application = create_app()
