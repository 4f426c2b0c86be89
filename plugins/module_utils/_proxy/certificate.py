# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The proxy's TLS server certificate: what it says (subject, issuer, end of validity, days left) and how
KMS would judge it. KMS cannot connect to a proxy whose certificate has expired (CloudWatch reports
the days left as XksProxyCertificateDaysToExpire)."""

import datetime
import socket
import ssl
from urllib.parse import urlsplit

try:
    from cryptography import x509
except ImportError:
    x509 = None  # ansible-core needs cryptography on the controller; without it no certificate is described

PORT = 443
SECONDS_PER_DAY = 86400


def describe_der(der, now=None):
    """subject, issuer, not_after (ISO 8601, UTC) and days_to_expire (whole days left, negative once expired) of a
    DER certificate, or None without one (or without cryptography)."""
    if not der or x509 is None:
        return None
    certificate = x509.load_der_x509_certificate(der)
    not_after = getattr(certificate, "not_valid_after_utc", None) or certificate.not_valid_after.replace(tzinfo=datetime.timezone.utc)
    left = not_after - (now or datetime.datetime.now(datetime.timezone.utc))
    return dict(
        subject=certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string(),
        not_after=not_after.isoformat(),
        days_to_expire=int(left.total_seconds() // SECONDS_PER_DAY),
    )


def read_unverified(endpoint, timeout):
    """The certificate the proxy shows, read in a handshake that verifies nothing (and sends no request), or None.

    Only to describe a certificate that verification refused (expired, untrusted, another host name): it is never
    used to trust the proxy."""
    host = urlsplit(endpoint).hostname
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((host, PORT), timeout=timeout) as connection:
            with context.wrap_socket(connection, server_hostname=host) as tls:
                return describe_der(tls.getpeercert(binary_form=True))
    except (OSError, ssl.SSLError, ValueError):
        return None


def judge(certificate, min_days):
    """(finding, warning) for a described certificate: a finding when it has expired, a warning when fewer than
    ``min_days`` days are left; each a message or None."""
    days = certificate["days_to_expire"]
    if days < 0:
        return "The proxy's TLS certificate expired on %s (%s)." % (certificate["not_after"], certificate["subject"]), None
    if days < min_days:
        warning = "The proxy's TLS certificate (%s) expires in %d days, on %s: fewer than certificate_min_days=%d." % (
            certificate["subject"], days, certificate["not_after"], min_days)
        return None, warning + " Renew it before it expires: KMS cannot connect to a proxy whose certificate has expired."
    return None, None
