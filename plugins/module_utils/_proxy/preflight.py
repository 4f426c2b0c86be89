# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Preflight: before an edit disconnects a store, ask the proxy with the NEW values whether KMS
will be able to reconnect, so that a definite "no" costs no outage."""

from ansible_collections.kms.xks.plugins.module_utils._common.errors import AnsibleXksError
from ansible_collections.kms.xks.plugins.module_utils._proxy.client import ProxyTarget
from ansible_collections.kms.xks.plugins.module_utils._proxy.client import get_health_status

PREFLIGHT_TIMEOUT = 10.0


class PreflightError(AnsibleXksError):
    """Preflight refused the change; nothing was changed."""


def preflight(mode, endpoint, uri_path, credential, region, warn):
    """Run the check the ``preflight`` option asks for; warn or raise PreflightError. Returns the HealthResult or None."""
    if mode == "never":
        return None
    if credential is None or credential.get("raw_secret_access_key") is None:
        message = (
            "cannot sign GetHealthStatus without the proxy secret, which KMS never returns: give "
            "xks_proxy_authentication_credential with its raw_secret_access_key (or xks_proxy_configuration_file)"
        )
        if mode == "always":
            raise PreflightError(message="preflight=always %s, or set preflight=auto or never." % message)
        warn("Preflight skipped: it %s." % message)
        return None
    result = get_health_status(ProxyTarget(endpoint, uri_path, credential, region, timeout=PREFLIGHT_TIMEOUT))
    if result.healthy:
        return result
    if result.definite_failure:
        raise PreflightError(message="Preflight failed, the key store was left as it is: %s" % result.message)
    if mode == "always":
        raise PreflightError(message="Preflight could not check the proxy from the controller (preflight=always): %s" % result.message)
    warn("Preflight could not check the proxy from the controller, going on: %s" % result.message)
    return result
