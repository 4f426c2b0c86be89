# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The option rules of kms.xks.xks_proxy_health: every option checked before any network call."""

from ansible_collections.kms.xks.plugins.module_utils._spec.config_file import proxy_source
from ansible_collections.kms.xks.plugins.module_utils._spec.credential import credential_member_options
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import URI_PATH_RULE
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import check_ca_file
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import check_credential
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import check_endpoint
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import check_region
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import check_value
from ansible_collections.kms.xks.plugins.module_utils._spec.key import XKS_KEY_ID_RULE

MAX_SAMPLES = 100
# The spec's limit of keys a proxy must handle is not the point here: a bound keeps an audit's calls in check.
MAX_XKS_KEY_IDS = 100


def reference_proxy_argument_spec():
    """reference_proxy: the proxy a move starts from, to compare key material with (a credential inside: masked, see credential.py)."""
    return dict(
        type="dict",
        no_log=False,
        options=dict(
            uri_endpoint=dict(type="str", required=True),
            uri_path=dict(type="str", required=True),
            authentication_credential=dict(type="dict", required=True, no_log=False, options=credential_member_options(secret_required=True)),
        ),
    )


def _key_id_problems(xks_key_ids):
    problems = [check_value("xks_key_ids[%d]" % index, key_id, XKS_KEY_ID_RULE) for index, key_id in enumerate(xks_key_ids)]
    if len(xks_key_ids) > MAX_XKS_KEY_IDS:
        problems.append("xks_key_ids has %d entries; at most %d per task." % (len(xks_key_ids), MAX_XKS_KEY_IDS))
    duplicates = sorted(set(key_id for key_id in xks_key_ids if xks_key_ids.count(key_id) > 1))
    if duplicates:
        problems.append("xks_key_ids lists %s more than once." % ", ".join(duplicates))
    return problems


def _reference_problems(reference):
    problems = [check_endpoint("reference_proxy.uri_endpoint", reference["uri_endpoint"]),
                check_value("reference_proxy.uri_path", reference["uri_path"], URI_PATH_RULE)]
    problems.extend(check_credential("reference_proxy.authentication_credential", reference["authentication_credential"],
                                     secret_needed_for="sign the canary calls"))
    return problems


def _number_problems(params):
    problems = []
    if params["timeout"] <= 0:
        problems.append("timeout must be greater than 0 seconds, got %s." % params["timeout"])
    if not 1 <= params["samples"] <= MAX_SAMPLES:
        problems.append("samples must be from 1 to %d GetHealthStatus calls, got %s." % (MAX_SAMPLES, params["samples"]))
    if params["certificate_min_days"] < 0:
        problems.append("certificate_min_days must be 0 or more days, got %s." % params["certificate_min_days"])
    return problems


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
    errors.extend(_number_problems(params))
    if params.get("ca_path") and params["validate_certs"]:
        errors.append(check_ca_file("ca_path", params["ca_path"]))
    errors.extend(_key_id_problems(params.get("xks_key_ids") or []))
    if params.get("reference_proxy"):
        errors.extend(_reference_problems(params["reference_proxy"]))
    return uri_path, credential, [error for error in errors if error]
