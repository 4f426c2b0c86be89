# -*- coding: utf-8 -*-
"""The test CA and the proxy's server certificates, made with trustme and written as PEM files."""

import os

import trustme

CA_FILE = "ca.pem"
SERVER_CERT_FILE = "proxy-cert.pem"
SERVER_KEY_FILE = "proxy-key.pem"
# Issued by a CA that nobody trusts: served when the proxy's `bad_tls` fault is on.
UNTRUSTED_CERT_FILE = "untrusted-cert.pem"
UNTRUSTED_KEY_FILE = "untrusted-key.pem"
FILES = (CA_FILE, SERVER_CERT_FILE, SERVER_KEY_FILE, UNTRUSTED_CERT_FILE, UNTRUSTED_KEY_FILE)


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


def make_pki(directory, identities):
    """Create the CA and both server certificates in `directory`; return their paths."""
    trusted = trustme.CA(organization_name="kms.xks test bed")
    untrusted = trustme.CA(organization_name="kms.xks test bed (untrusted)")
    paths = {
        "ca_file": os.path.join(directory, CA_FILE),
        "cert_file": os.path.join(directory, SERVER_CERT_FILE),
        "key_file": os.path.join(directory, SERVER_KEY_FILE),
        "untrusted_cert_file": os.path.join(directory, UNTRUSTED_CERT_FILE),
        "untrusted_key_file": os.path.join(directory, UNTRUSTED_KEY_FILE),
    }
    _write(paths["ca_file"], trusted.cert_pem.bytes(), 0o644)
    _write_server_cert(trusted, identities, paths["cert_file"], paths["key_file"])
    _write_server_cert(untrusted, identities, paths["untrusted_cert_file"], paths["untrusted_key_file"])
    return paths
