"""The web explorer: a FastAPI application with a JSON API over the Python API and server-rendered pages."""
