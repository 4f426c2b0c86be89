# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The option rules of kms.xks.xks_keystore (and its _info) that need no knowledge of the current store:
each option's field rule, option ranges, and the cross-field rules. Functions return lists of messages."""

from ansible_collections.kms.xks.plugins.module_utils._common.states import CONNECTIVITY_PUBLIC
from ansible_collections.kms.xks.plugins.module_utils._common.states import CONNECTIVITY_VPC
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import ACCOUNT_ID_RULE
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import CREDENTIAL_SECRET
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import ID_RULE
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import NAME_RULE
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import URI_PATH_RULE
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import VPC_ENDPOINT_SERVICE_NAME_RULE
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import check_credential
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import check_endpoint
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import check_value
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import missing_secret
from ansible_collections.kms.xks.plugins.module_utils._spec.key import check_pending_window


def name_warnings(params):
    """Warnings for a name that KMS accepts but that is probably a mistake."""
    name = params.get("name")
    if isinstance(name, str) and name and name != name.strip():
        return [
            "name %r begins or ends with whitespace. KMS keeps it as given, so it names another key store than %r: "
            "a lookup by this name does not find that store, and a rename gives the store this exact name." % (name, name.strip())
        ]
    return []


VPC_ONLY_OPTIONS = ("xks_proxy_vpc_endpoint_service_name", "xks_proxy_vpc_endpoint_service_owner")


def connectivity_problems(connectivity, options, has_service=False):
    """The rules of a store that will have ``connectivity``: a VPC store needs its endpoint service (given in
    ``options``, or ``has_service`` already), a public one takes none of the VPC options. Returns messages."""
    if connectivity == CONNECTIVITY_VPC:
        if options.get("xks_proxy_vpc_endpoint_service_name") is None and not has_service:
            return ["xks_proxy_connectivity=VPC_ENDPOINT_SERVICE needs xks_proxy_vpc_endpoint_service_name."]
        return []
    if connectivity is None:
        return []
    # Leaving VPC connectivity sends no service name: KMS wants it empty, and botocore cannot send "" (min 20).
    return [
        "%s is only valid with VPC_ENDPOINT_SERVICE connectivity; this key store uses %s." % (option, connectivity)
        for option in VPC_ONLY_OPTIONS
        if options.get(option) is not None
    ]


def validate_keystore_options(params):
    """Format rules, option ranges and the cross-field rules that need no knowledge of the current store."""
    errors = []
    simple = (
        ("name", NAME_RULE),
        ("id", ID_RULE),
        ("xks_proxy_uri_path", URI_PATH_RULE),
        ("xks_proxy_vpc_endpoint_service_name", VPC_ENDPOINT_SERVICE_NAME_RULE),
        ("xks_proxy_vpc_endpoint_service_owner", ACCOUNT_ID_RULE),
    )
    for option, rule in simple:
        if params.get(option) is not None:
            errors.append(check_value(option, params[option], rule))
    if params.get("xks_proxy_uri_endpoint") is not None:
        errors.append(check_endpoint("xks_proxy_uri_endpoint", params["xks_proxy_uri_endpoint"]))
    if params.get("xks_proxy_authentication_credential") is not None:
        errors.extend(check_credential("xks_proxy_authentication_credential", params["xks_proxy_authentication_credential"]))
    if params.get("wait_timeout") is not None and params["wait_timeout"] <= 0:
        errors.append("wait_timeout must be greater than 0 seconds, got %s." % params["wait_timeout"])
    errors.append(check_pending_window(params.get("pending_window")))

    if params.get("xks_proxy_connectivity") == CONNECTIVITY_PUBLIC:
        errors.extend(connectivity_problems(CONNECTIVITY_PUBLIC, params))
    return [error for error in errors if error]


def validate_create(desired, need_secret=True):
    """What CreateCustomKeyStore needs for an external key store. ``desired`` uses the option names.

    The secret is needed only to really create it (``need_secret``); check mode predicts without it.
    """
    required = ("name", "xks_proxy_connectivity", "xks_proxy_uri_endpoint", "xks_proxy_uri_path", "xks_proxy_authentication_credential")
    missing = [option for option in required if desired.get(option) is None]
    errors = []
    if missing:
        errors.append(
            "Creating an external key store needs %s (the path and credential may come from xks_proxy_configuration_file); missing: %s."
            % (", ".join(required), ", ".join(missing))
        )
    if desired.get("xks_proxy_connectivity") == CONNECTIVITY_VPC:
        errors.extend(connectivity_problems(CONNECTIVITY_VPC, desired))
    credential = desired.get("xks_proxy_authentication_credential")
    if need_secret and credential is not None and credential.get(CREDENTIAL_SECRET) is None:
        errors.append(missing_secret("xks_proxy_authentication_credential", "create the external key store"))
    return errors
