# -*- coding: utf-8 -*-
"""Trusted server certificates with a chosen expiry (the `certificate_days` fault), issued in the proxy."""

import threading

from .. import pki
from .server import issued_tls_context


class DatedCertificates(object):
    """Per instance, a TLS context whose certificate, from the test bed's trusted CA, ends N days after its issue."""

    def __init__(self, ca, identities):
        """`ca`: the trusted trustme CA (with its key); `identities`: those of the normal server certificate."""
        self._ca = ca
        self._identities = list(identities)
        self._lock = threading.Lock()
        self._contexts = {}  # instance name -> (days, context)

    def issue(self, name, days):
        """A fresh certificate for `name` that ends `days` days from now; returns its context."""
        context = issued_tls_context(pki.issue_dated_cert(self._ca, self._identities, days))
        with self._lock:
            self._contexts[name] = (days, context)
        return context

    def context(self, name, days):
        """The context issued for `name` with `days`; issued now if there is none (or it was for other days)."""
        with self._lock:
            held = self._contexts.get(name)
        if held is not None and held[0] == days:
            return held[1]
        return self.issue(name, days)
