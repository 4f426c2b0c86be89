# -*- coding: utf-8 -*-
"""Build and run the emulator's HTTP server: moto's WSGI app behind the test bed middleware."""

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from .admin import TestbedMiddleware
from .patch import install
from .settings import SETTINGS


def make_emulator(host, fd, settings=None):
    """A threaded werkzeug server on the listening socket `fd` (bound by the launcher); `settings` are
    keyword arguments of Settings.configure()."""
    install()
    SETTINGS.configure(**(settings or {}))
    app = TestbedMiddleware(DomainDispatcherApplication(create_backend_app))
    return make_server(host, 0, app, threaded=True, request_handler=MotoRequestHandler, fd=fd)
