# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What each ConnectionErrorCode of an external key store means, and what fixes it.

The meanings follow the KMS API model's documentation of ConnectionErrorCode.
"""

_RECONNECT = "Then disconnect the key store and connect it again (a FAILED store must be disconnected first)."

CONNECTION_ERRORS = {
    "INVALID_CREDENTIALS": (
        "The XKS proxy rejected the proxy authentication credential (access key id or secret) that KMS holds.",
        "Make sure the credential is active on the proxy and give KMS the same pair with xks_proxy_authentication_credential.",
    ),
    "XKS_PROXY_ACCESS_DENIED": (
        "KMS requests are denied access to the XKS proxy.",
        "If the proxy has authorization rules, make them permit KMS to call it on your behalf.",
    ),
    "XKS_PROXY_INVALID_CONFIGURATION": (
        "A configuration error prevents the key store from reaching its proxy; usually the URI path is wrong.",
        "Check xks_proxy_uri_path against the path your proxy serves (it ends in /kms/xks/v1).",
    ),
    "XKS_PROXY_INVALID_RESPONSE": (
        "KMS cannot interpret the response of the XKS proxy.",
        "If it happens again, report it to your proxy vendor.",
    ),
    "XKS_PROXY_INVALID_TLS_CONFIGURATION": (
        "The TLS configuration of the XKS proxy is invalid.",
        "Serve TLS 1.2 or 1.3 with a certificate that is not expired, matches the endpoint host name, and is signed by a CA that KMS trusts.",
    ),
    "XKS_PROXY_NOT_REACHABLE": (
        "KMS cannot communicate with the XKS proxy, or the proxy reports that all external key managers are unavailable.",
        "Check xks_proxy_uri_endpoint and xks_proxy_uri_path, that the proxy is up and reachable, and that its key managers are healthy.",
    ),
    "XKS_PROXY_TIMED_OUT": (
        "KMS reaches the XKS proxy but it does not answer in time (KMS waits 250 ms).",
        "Check the proxy's load and network latency; if it persists, notify your proxy vendor.",
    ),
    "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND": (
        "KMS cannot find the VPC endpoint service of the key store.",
        "Check xks_proxy_vpc_endpoint_service_name (and its owner) and that the KMS service principal is allowed on the service.",
    ),
    "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION": (
        "The VPC endpoint service does not meet the requirements for an external key store.",
        "It needs an NLB in two or more Availability Zones, cks.kms.<region>.amazonaws.com in its allowed principals, no acceptance required, "
        "and a verified private DNS name that matches the TLS certificate.",
    ),
    "NETWORK_ERRORS": (
        "Network errors prevent KMS from connecting the key store to its proxy.",
        "Check the network path between KMS and the proxy.",
    ),
    "INTERNAL_ERROR": (
        "KMS could not complete the request because of an internal error.",
        "Retry.",
    ),
}


def connection_error_hint(code):
    """A plain-language sentence for a ConnectionErrorCode, or None when there is no code."""
    if not code:
        return None
    meaning, fix = CONNECTION_ERRORS.get(code, ("KMS reported connection error %s." % code, "See the KMS documentation for this code."))
    return "%s %s %s" % (meaning, fix, _RECONNECT)
