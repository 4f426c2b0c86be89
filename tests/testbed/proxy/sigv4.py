# -*- coding: utf-8 -*-
"""Verify AWS SigV4 on an XKS proxy request (spec Appendix A), written independently of botocore.

KMS signs `host;x-amz-date` with service `kms-xks-proxy` and the key store's Region; a request
more than five minutes off the proxy's clock fails authentication. The proxy accepts the Regions it
is configured for (the test bed's: every Region of its fleet).
"""

import datetime
import hashlib
import hmac
from urllib.parse import parse_qsl, quote

ALGORITHM = "AWS4-HMAC-SHA256"
SERVICE = "kms-xks-proxy"
MAX_SKEW = datetime.timedelta(minutes=5)
_DATE_FORMAT = "%Y%m%dT%H%M%SZ"


class SigV4Error(Exception):
    """The request is not authenticated; the message says why (it never holds a secret)."""


def _hmac(key, text):
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def signing_key(secret, date, region, service=SERVICE):
    key = _hmac(("AWS4" + secret).encode("utf-8"), date)
    key = _hmac(key, region)
    key = _hmac(key, service)
    return _hmac(key, "aws4_request")


def parse_authorization(header):
    """Split `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` into a dict."""
    if not header:
        raise SigV4Error("missing Authorization header")
    algorithm, _space, rest = header.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise SigV4Error("unsupported signing algorithm")
    fields = {}
    for part in rest.split(","):
        name, sep, value = part.strip().partition("=")
        if sep:
            fields[name] = value
    for name in ("Credential", "SignedHeaders", "Signature"):
        if not fields.get(name):
            raise SigV4Error("Authorization header lacks %s" % name)
    scope = fields["Credential"].split("/")
    if len(scope) != 5:
        raise SigV4Error("malformed credential scope")
    return {
        "access_key_id": scope[0],
        "date": scope[1],
        "region": scope[2],
        "service": scope[3],
        "terminal": scope[4],
        "signed_headers": fields["SignedHeaders"].split(";"),
        "signature": fields["Signature"],
    }


def _canonical_query(query):
    pairs = sorted((quote(k, safe="-_.~"), quote(v, safe="-_.~")) for k, v in parse_qsl(query, keep_blank_values=True))
    return "&".join("%s=%s" % pair for pair in pairs)


def _canonical_header_value(value):
    return " ".join(value.split())


def string_to_sign(method, path, query, headers, signed_headers, body, amz_date, scope):
    """`headers` maps lower-case names to values; returns the SigV4 string to sign."""
    canonical_headers = "".join("%s:%s\n" % (name, _canonical_header_value(headers.get(name, ""))) for name in signed_headers)
    canonical_request = "\n".join([
        method,
        quote(path, safe="/~"),
        _canonical_query(query),
        canonical_headers,
        ";".join(signed_headers),
        hashlib.sha256(body).hexdigest(),
    ])
    return "\n".join([ALGORITHM, amz_date, scope, hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()])


def verify(method, path, query, headers, body, secrets_by_key_id, regions, now=None):
    """Raise SigV4Error unless the request is signed by one of `secrets_by_key_id` for one of `regions`.

    Returns the access key id that signed it.
    """
    auth = parse_authorization(headers.get("authorization"))
    if auth["service"] != SERVICE or auth["terminal"] != "aws4_request":
        raise SigV4Error("credential scope is not for %s" % SERVICE)
    region = auth["region"]
    if region not in regions:
        raise SigV4Error("credential scope names a Region this proxy does not serve")
    if "host" not in auth["signed_headers"] or "x-amz-date" not in auth["signed_headers"]:
        raise SigV4Error("host and x-amz-date must be signed")
    amz_date = headers.get("x-amz-date", "")
    try:
        signed_at = datetime.datetime.strptime(amz_date, _DATE_FORMAT).replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        raise SigV4Error("missing or malformed X-Amz-Date") from None
    now = now or datetime.datetime.now(datetime.timezone.utc)
    if abs(now - signed_at) > MAX_SKEW:
        raise SigV4Error("request time is more than 5 minutes off")
    if auth["date"] != amz_date[:8]:
        raise SigV4Error("credential scope date does not match X-Amz-Date")
    secret = secrets_by_key_id.get(auth["access_key_id"])
    if secret is None:
        raise SigV4Error("unknown access key id")
    scope = "/".join([auth["date"], region, SERVICE, "aws4_request"])
    text = string_to_sign(method, path, query, headers, auth["signed_headers"], body, amz_date, scope)
    expected = hmac.new(signing_key(secret, auth["date"], region), text.encode("utf-8"), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, auth["signature"]):
        raise SigV4Error("signature does not match")
    return auth["access_key_id"]
