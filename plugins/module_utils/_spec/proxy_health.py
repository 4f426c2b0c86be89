# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The option rules of kms.xks.xks_proxy_health: every option checked before any network call."""

from ansible_collections.kms.xks.plugins.module_utils._spec.config_file import proxy_source
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import URI_PATH_RULE
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import check_ca_file
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import check_credential
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import check_endpoint
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import check_region
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import check_value


def validate_health_options(params, add_secret):
    """(uri_path, credential, messages): what to sign with, from the options or the configuration file, and what is wrong.

    The messages name the options, never the secret; ``add_secret`` masks the secret read from a file in every output.
    """
    errors = [check_endpoint("xks_proxy_uri_endpoint", params["xks_proxy_uri_endpoint"]), check_region("region", params["region"])]
    uri_path, credential, source_errors = proxy_source(params, add_secret)
    errors.extend(source_errors)
    if not params.get("xks_proxy_configuration_file"):  # the file's values were checked as it was read
        errors.append(check_value("xks_proxy_uri_path", uri_path, URI_PATH_RULE))
        errors.extend(check_credential("xks_proxy_authentication_credential", credential, secret_needed_for="sign GetHealthStatus"))
    if params["timeout"] <= 0:
        errors.append("timeout must be greater than 0 seconds, got %s." % params["timeout"])
    if params.get("ca_path") and params["validate_certs"]:
        errors.append(check_ca_file("ca_path", params["ca_path"]))
    return uri_path, credential, [error for error in errors if error]
