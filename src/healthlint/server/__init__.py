"""The publishing gate over HTTP: an ASGI app (Starlette) served by uvicorn.

Optional: ``pip install healthlint[server]``. ``create_app`` builds the app;
``healthlint serve`` runs it.
"""
