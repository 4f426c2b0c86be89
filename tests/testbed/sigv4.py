# -*- coding: utf-8 -*-
"""AWS SigV4 for the test bed, on botocore's signer: signing a request as KMS signs its calls (the
emulator's calls to the proxy, and the tests' own), and the proxy's check of one (XKS spec Appendix A).

KMS signs `host;x-amz-date` with service `kms-xks-proxy` and the key store's Region; a request
more than five minutes off the proxy's clock fails authentication. The proxy accepts the Regions it
is configured for (the test bed's: every Region of its fleet). Signing and checking compute the
signature the same way (botocore's canonical request, string to sign and signature), at the time the
request names, so a test signs "six minutes ago" by passing `when`, without faking a clock.
"""

import datetime
import hmac
from urllib.parse import urlunsplit

from botocore.auth import SIGV4_TIMESTAMP, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ALGORITHM = "AWS4-HMAC-SHA256"
SERVICE = "kms-xks-proxy"
MAX_SKEW = datetime.timedelta(minutes=5)


class SigV4Error(Exception):
    """The request is not authenticated; the message says why (it never holds a secret)."""


def _signer_and_signature(request, access_key_id, secret, region, service, amz_date):
    """botocore's SigV4 signature of `request` (all of its headers signed) at `amz_date`."""
    request.context["timestamp"] = amz_date
    signer = SigV4Auth(Credentials(access_key_id, secret), service, region)
    return signer, signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)


def _body_bytes(body):
    return body.encode("utf-8") if isinstance(body, str) else (body or b"")


def sign(method, url, body, access_key_id, secret, region, service=SERVICE, headers=None, when=None):
    """The headers of a signed request: `headers` (signed too), Host and X-Amz-Date, and Authorization.

    `when` (a UTC datetime) is the signing time; by default, now.
    """
    when = when or datetime.datetime.now(datetime.timezone.utc)
    amz_date = when.strftime(SIGV4_TIMESTAMP)
    request = AWSRequest(method=method, url=url, data=_body_bytes(body), headers=dict(headers or {}, **{"X-Amz-Date": amz_date}))
    signer, signature = _signer_and_signature(request, access_key_id, secret, region, service, amz_date)
    signed_headers = signer.signed_headers(signer.headers_to_sign(request))
    request.headers["Authorization"] = "%s Credential=%s, SignedHeaders=%s, Signature=%s" % (
        ALGORITHM, signer.scope(request), signed_headers, signature)
    return dict(request.headers.items())


def proxy_request_headers(url, body, access_key_id, secret, region, service=SERVICE, method="POST", when=None):
    """The headers of an XKS Proxy API call as KMS sends it: only Host and X-Amz-Date signed, a JSON body."""
    headers = sign(method, url, body, access_key_id, secret, region, service=service, when=when)
    headers["Content-Type"] = "application/json"
    return headers


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


def _signed_at(amz_date):
    try:
        return datetime.datetime.strptime(amz_date, SIGV4_TIMESTAMP).replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        raise SigV4Error("missing or malformed X-Amz-Date") from None


def _expected_signature(method, path, query, headers, body, auth, secret, amz_date):
    """The signature of the request as received: its signed headers only, over https://<host><path>?<query>."""
    url = urlunsplit(("https", headers.get("host", ""), path, query, ""))
    signed = {name: headers.get(name, "") for name in auth["signed_headers"]}
    request = AWSRequest(method=method, url=url, data=_body_bytes(body), headers=signed)
    return _signer_and_signature(request, auth["access_key_id"], secret, auth["region"], auth["service"], amz_date)[1]


def verify(method, path, query, headers, body, secrets_by_key_id, regions):
    """Raise SigV4Error unless the request is signed by one of `secrets_by_key_id` for one of `regions`.

    `headers` maps lower-case names to values. Returns the access key id that signed it.
    """
    auth = parse_authorization(headers.get("authorization"))
    if auth["service"] != SERVICE or auth["terminal"] != "aws4_request":
        raise SigV4Error("credential scope is not for %s" % SERVICE)
    if auth["region"] not in regions:
        raise SigV4Error("credential scope names a Region this proxy does not serve")
    if "host" not in auth["signed_headers"] or "x-amz-date" not in auth["signed_headers"]:
        raise SigV4Error("host and x-amz-date must be signed")
    amz_date = headers.get("x-amz-date", "")
    if abs(datetime.datetime.now(datetime.timezone.utc) - _signed_at(amz_date)) > MAX_SKEW:
        raise SigV4Error("request time is more than 5 minutes off")
    if auth["date"] != amz_date[:8]:
        raise SigV4Error("credential scope date does not match X-Amz-Date")
    secret = secrets_by_key_id.get(auth["access_key_id"])
    if secret is None:
        raise SigV4Error("unknown access key id")
    expected = _expected_signature(method, path, query, headers, body, auth, secret, amz_date)
    if not hmac.compare_digest(expected, auth["signature"]):
        raise SigV4Error("signature does not match")
    return auth["access_key_id"]
