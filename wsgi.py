"""WSGI entry point: `gunicorn wsgi:app` (see README for the Socket.IO deployment)."""
from app import create_app

app = create_app()
