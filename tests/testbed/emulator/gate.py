# -*- coding: utf-8 -*-
"""What KMS checks of a request before any action: a SigV4 Authorization header of the right shape, a
JSON object as the body; and who is calling (account, Region) for the request quotas.

Like moto, the emulator does not verify signatures (any dummy AWS credential works), but a request
without one, or with an incomplete one, or with a body that is not JSON, gets KMS's JSON error instead
of reaching moto (which would answer an HTML 500).
"""

import json
import re

from moto.iam.models import get_account_id_from

from .. import config

# Credential=<access key>/<yyyymmdd>/<region>/<service>/aws4_request
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request")
_ALGORITHM = "AWS4-HMAC-SHA256 "
BAD_REQUEST = "400 Bad Request"


class Refusal(object):
    """A KMS error answered before the action runs."""

    def __init__(self, error_type, message, status=BAD_REQUEST):
        self.error_type = error_type
        self.message = message
        self.status = status


def _authorization_refusal(environ):
    authorization = environ.get("HTTP_AUTHORIZATION")
    if not authorization:
        return Refusal("MissingAuthenticationTokenException", "Missing Authentication Token")
    if not authorization.startswith(_ALGORITHM):
        return Refusal("IncompleteSignatureException", "Unsupported AWS 'algorithm' in the Authorization header: use AWS4-HMAC-SHA256.")
    problems = ["Authorization header requires '%s' parameter." % part for part in ("Credential", "Signature", "SignedHeaders")
                if part + "=" not in authorization]
    if "Credential=" in authorization and not _CREDENTIAL.search(authorization):
        problems.append("Authorization header has a malformed 'Credential' parameter.")
    if not (environ.get("HTTP_X_AMZ_DATE") or environ.get("HTTP_DATE")):
        problems.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
    if problems:
        return Refusal("IncompleteSignatureException", " ".join(problems))
    return None


def _body_refusal(raw):
    if not raw.strip():
        return None
    try:
        document = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return Refusal("SerializationException", "The request body is not valid JSON.")
    if not isinstance(document, dict):
        return Refusal("SerializationException", "The request body must be a JSON object.")
    return None


def refusal(environ, raw):
    """The Refusal KMS answers for this request (headers in `environ`, body `raw`), or None."""
    return _authorization_refusal(environ) or _body_refusal(raw)


def caller(environ):
    """(account, Region) of a signed request: moto's account for the access key, the Region of the credential scope."""
    match = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION") or "")
    if not match:
        return config.ACCOUNT_ID, config.REGION
    account = environ.get("HTTP_X_MOTO_ACCOUNT_ID") or get_account_id_from(match.group(1))
    return account, match.group(2)
