# -*- coding: utf-8 -*-
"""The test CA and the proxy's server certificates, made with trustme and written as PEM files."""

import datetime
import os

import trustme

CA_FILE = "ca.pem"
# The trusted CA's private key (0600): the proxy issues certificates with a chosen expiry from it
# (its `certificate_days` fault).
CA_KEY_FILE = "ca-key.pem"
SERVER_CERT_FILE = "proxy-cert.pem"
SERVER_KEY_FILE = "proxy-key.pem"
# Issued by a CA that nobody trusts: served when the proxy's `bad_tls` fault is on.
UNTRUSTED_CERT_FILE = "untrusted-cert.pem"
UNTRUSTED_KEY_FILE = "untrusted-key.pem"
FILES = (CA_FILE, CA_KEY_FILE, SERVER_CERT_FILE, SERVER_KEY_FILE, UNTRUSTED_CERT_FILE, UNTRUSTED_KEY_FILE)
# How long before its end a dated certificate (see dated_validity) already is valid, at least.
DATED_LIFETIME = datetime.timedelta(days=365)


def _write(path, data, mode):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, mode)


def _write_server_cert(ca, identities, cert_path, key_path):
    cert = ca.issue_cert(*identities)
    chain = b"".join(blob.bytes() for blob in cert.cert_chain_pems)
    _write(cert_path, chain, 0o644)
    _write(key_path, cert.private_key_pem.bytes(), 0o600)


def load_ca(ca_file, ca_key_file):
    """The trusted CA make_pki wrote, able to issue again."""
    with open(ca_file, "rb") as cert, open(ca_key_file, "rb") as key:
        return trustme.CA.from_pem(cert.read(), key.read())


def dated_validity(days, now=None):
    """(not_before, not_after) of a certificate that ends `days` days from `now` (negative: in the past).

    It starts a day before `now` (or DATED_LIFETIME before its end, when that is earlier), so that
    only its end matters to a client. Naive UTC datetimes, as trustme's own defaults.
    """
    now = now or datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)
    not_after = now + datetime.timedelta(days=days)
    return min(now - datetime.timedelta(days=1), not_after - DATED_LIFETIME), not_after


def issue_dated_cert(ca, identities, days):
    """A server certificate from `ca` for `identities` that expires `days` days from now."""
    not_before, not_after = dated_validity(days)
    return ca.issue_cert(*identities, not_before=not_before, not_after=not_after)


def make_pki(directory, identities):
    """Create the CA and both server certificates in `directory`; return their paths."""
    trusted = trustme.CA(organization_name="kms.xks test bed")
    untrusted = trustme.CA(organization_name="kms.xks test bed (untrusted)")
    paths = {
        "ca_file": os.path.join(directory, CA_FILE),
        "ca_key_file": os.path.join(directory, CA_KEY_FILE),
        "cert_file": os.path.join(directory, SERVER_CERT_FILE),
        "key_file": os.path.join(directory, SERVER_KEY_FILE),
        "untrusted_cert_file": os.path.join(directory, UNTRUSTED_CERT_FILE),
        "untrusted_key_file": os.path.join(directory, UNTRUSTED_KEY_FILE),
    }
    _write(paths["ca_file"], trusted.cert_pem.bytes(), 0o644)
    _write(paths["ca_key_file"], trusted.private_key_pem.bytes(), 0o600)
    _write_server_cert(trusted, identities, paths["cert_file"], paths["key_file"])
    _write_server_cert(untrusted, identities, paths["untrusted_cert_file"], paths["untrusted_key_file"])
    return paths
