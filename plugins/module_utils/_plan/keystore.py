# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Planning: from the current DescribeCustomKeyStores entry and the requested options to the exact
UpdateCustomKeyStore parameters, the ordered actions, the final state and the entry KMS will report.

Pure: no API calls, no I/O imports. The same Plan (CreatePlan, DeletePlan) drives the real run and
the check-mode prediction.
"""

import copy

from ansible_collections.kms.xks.plugins.module_utils._common.states import CONNECTIVITY_PUBLIC
from ansible_collections.kms.xks.plugins.module_utils._common.states import CONNECTIVITY_VPC
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import missing_secret
from ansible_collections.kms.xks.plugins.module_utils._spec.keystore import connectivity_problems
from ansible_collections.kms.xks.plugins.module_utils._common.states import CONNECTED
from ansible_collections.kms.xks.plugins.module_utils._common.states import DISCONNECTED
from ansible_collections.kms.xks.plugins.module_utils._common.states import FAILED
from ansible_collections.kms.xks.plugins.module_utils._common.states import SETTLED_STATE

CREDENTIAL_OPTION = "xks_proxy_authentication_credential"

# (option, UpdateCustomKeyStore parameter, XksProxyConfiguration member or None for the name, needs DISCONNECTED)
PROPERTIES = (
    ("name", "NewCustomKeyStoreName", None, False),
    ("xks_proxy_connectivity", "XksProxyConnectivity", "Connectivity", True),
    ("xks_proxy_uri_endpoint", "XksProxyUriEndpoint", "UriEndpoint", True),
    ("xks_proxy_uri_path", "XksProxyUriPath", "UriPath", False),
    ("xks_proxy_vpc_endpoint_service_name", "XksProxyVpcEndpointServiceName", "VpcEndpointServiceName", True),
    ("xks_proxy_vpc_endpoint_service_owner", "XksProxyVpcEndpointServiceOwner", "VpcEndpointServiceOwner", True),
)
OFFLINE_PARAMETERS = tuple(param for _option, param, _member, offline in PROPERTIES if offline)


class PlanError(Exception):
    """The request cannot be applied to this store; the message names the options."""


def current_value(entry, member):
    if member is None:
        return entry.get("CustomKeyStoreName")
    return (entry.get("XksProxyConfiguration") or {}).get(member)


def api_credential(credential):
    """XksProxyAuthenticationCredential; without a secret only in check mode, where it is never sent."""
    params = {"AccessKeyId": credential["access_key_id"]}
    if credential.get("raw_secret_access_key") is not None:
        params["RawSecretAccessKey"] = credential["raw_secret_access_key"]
    return params


def create_parameters(desired):
    """CreateCustomKeyStore parameters (without the type) from the options."""
    params = {
        "CustomKeyStoreName": desired["name"],
        "XksProxyConnectivity": desired["xks_proxy_connectivity"],
        "XksProxyUriEndpoint": desired["xks_proxy_uri_endpoint"],
        "XksProxyUriPath": desired["xks_proxy_uri_path"],
        "XksProxyAuthenticationCredential": api_credential(desired[CREDENTIAL_OPTION]),
    }
    if desired["xks_proxy_connectivity"] == CONNECTIVITY_VPC:
        params["XksProxyVpcEndpointServiceName"] = desired["xks_proxy_vpc_endpoint_service_name"]
        if desired.get("xks_proxy_vpc_endpoint_service_owner") is not None:
            params["XksProxyVpcEndpointServiceOwner"] = desired["xks_proxy_vpc_endpoint_service_owner"]
    return params


def target_value(entry, desired, option, member):
    """What a property will be after the run: the option when given, else what the store has."""
    wanted = desired.get(option)
    return current_value(entry, member) if wanted is None else wanted


def _check_connectivity(entry, desired):
    """The cross-field rules that need the current store. Raises PlanError."""
    current = current_value(entry, "Connectivity")
    wanted = target_value(entry, desired, "xks_proxy_connectivity", "Connectivity")
    if wanted != current:
        endpoint = desired.get("xks_proxy_uri_endpoint")
        if endpoint is None or endpoint == current_value(entry, "UriEndpoint"):
            raise PlanError(
                "Changing xks_proxy_connectivity from %s to %s needs a new xks_proxy_uri_endpoint as well (KMS requires it)." % (current, wanted)
            )
    problems = connectivity_problems(wanted, desired, has_service=current == CONNECTIVITY_VPC)
    if problems:
        raise PlanError(" ".join(problems))
    return wanted


def _credential_needed(entry, credential, policy):
    """Why to send the credential, or None: the secret cannot be read back, so the policy decides."""
    if credential is None or policy == "on_create":
        return None
    if policy == "always":
        return "update_credential=always"
    if credential["access_key_id"] != current_value(entry, "AccessKeyId"):
        return "its access key ID differs from the one KMS reports"
    if entry.get("ConnectionErrorCode") == "INVALID_CREDENTIALS":
        return "KMS reports INVALID_CREDENTIALS"
    return None


def update_parameters(entry, desired, update_credential, need_secret=True):
    """The UpdateCustomKeyStore parameters that differ from the store (without CustomKeyStoreId).

    A credential to send without its secret raises PlanError when ``need_secret`` (a real run).
    """
    _check_connectivity(entry, desired)
    params = {}
    for option, param, member, _offline in PROPERTIES:
        wanted = desired.get(option)
        if wanted is not None and wanted != current_value(entry, member):
            params[param] = wanted
    reason = _credential_needed(entry, desired.get(CREDENTIAL_OPTION), update_credential)
    if reason:
        if need_secret and desired[CREDENTIAL_OPTION].get("raw_secret_access_key") is None:
            raise PlanError(missing_secret(CREDENTIAL_OPTION, "send the credential to KMS, as this run must (%s)" % reason))
        params["XksProxyAuthenticationCredential"] = api_credential(desired[CREDENTIAL_OPTION])
    return params


def offline_options(params):
    return [option for option, param, _member, offline in PROPERTIES if offline and param in params]


def settled(state):
    """The state a store is in, or heading to when it is CONNECTING or DISCONNECTING."""
    return SETTLED_STATE.get(state, state)


def goal_state(state, connection_state):
    """The connection state a run ends in: the one asked for, else the one the store has (or is heading to)."""
    if connection_state == "connected":
        return CONNECTED
    if connection_state == "disconnected":
        return DISCONNECTED
    return settled(state)


def plan_actions(state, update_params, goal):
    """Ordered actions for a store in ``state`` (settled) that gets ``update_params`` and must end in ``goal``."""
    actions = []
    if update_params and state != DISCONNECTED and (state == FAILED or any(p in update_params for p in OFFLINE_PARAMETERS)):
        actions.append("disconnect")
        state = DISCONNECTED
    if update_params:
        actions.append("update")
    if goal == CONNECTED and state != CONNECTED:
        if state == FAILED:
            actions.append("disconnect")
        actions.append("connect")
    elif goal == DISCONNECTED and state != DISCONNECTED:
        actions.append("disconnect")
    return actions


def predict_entry(entry, update_params, final_state):
    """The DescribeCustomKeyStores entry KMS will report after the update, in ``final_state``."""
    predicted = copy.deepcopy(entry)
    config = predicted.setdefault("XksProxyConfiguration", {})
    for _option, param, member, _offline in PROPERTIES:
        if param in update_params:
            if member is None:
                predicted["CustomKeyStoreName"] = update_params[param]
            else:
                config[member] = update_params[param]
    if "XksProxyAuthenticationCredential" in update_params:
        config["AccessKeyId"] = update_params["XksProxyAuthenticationCredential"]["AccessKeyId"]
    if config.get("Connectivity") == CONNECTIVITY_PUBLIC:
        config.pop("VpcEndpointServiceName", None)
        config.pop("VpcEndpointServiceOwner", None)
    predicted["ConnectionState"] = final_state
    if final_state != FAILED:
        predicted.pop("ConnectionErrorCode", None)
    return predicted


def predict_created_entry(create_params, final_state):
    """The entry a new store will have (KMS assigns the id and the creation date)."""
    config = {
        "Connectivity": create_params["XksProxyConnectivity"],
        "UriEndpoint": create_params["XksProxyUriEndpoint"],
        "UriPath": create_params["XksProxyUriPath"],
        "AccessKeyId": create_params["XksProxyAuthenticationCredential"]["AccessKeyId"],
    }
    for member in ("VpcEndpointServiceName", "VpcEndpointServiceOwner"):
        if "XksProxy" + member in create_params:
            config[member] = create_params["XksProxy" + member]
    return {
        "CustomKeyStoreName": create_params["CustomKeyStoreName"],
        "CustomKeyStoreType": "EXTERNAL_KEY_STORE",
        "ConnectionState": final_state,
        "XksProxyConfiguration": config,
    }


def _describe_store(entry):
    return "%s (%s)" % (entry.get("CustomKeyStoreId"), entry.get("CustomKeyStoreName"))


def uniqueness_conflict(predicted, others):
    """The KMS uniqueness rule that ``predicted`` (the store after the update) breaks against ``others``, or None.

    Returns (KMS error code, message naming the store that holds the value). The rules are those of the
    AWS guide: a unique name; a unique endpoint + path; a VPC store's endpoint (its private DNS name) used by
    no other store; a VPC endpoint service of its own.
    """
    config = predicted.get("XksProxyConfiguration") or {}
    endpoint = (config.get("UriEndpoint") or "").lower()
    for other in others:
        if other.get("CustomKeyStoreName") == predicted.get("CustomKeyStoreName"):
            return "CustomKeyStoreNameInUseException", "the name %s is used by external key store %s" % (
                predicted.get("CustomKeyStoreName"), _describe_store(other))
    for other in others:
        theirs = other.get("XksProxyConfiguration") or {}
        if (theirs.get("UriEndpoint") or "").lower() == endpoint and theirs.get("UriPath") == config.get("UriPath"):
            return "XksProxyUriInUseException", "the proxy URI %s%s is used by external key store %s" % (
                config.get("UriEndpoint"), config.get("UriPath"), _describe_store(other))
    for other in others:
        theirs = other.get("XksProxyConfiguration") or {}
        if (theirs.get("UriEndpoint") or "").lower() == endpoint and CONNECTIVITY_VPC in (config.get("Connectivity"), theirs.get("Connectivity")):
            return "XksProxyUriEndpointInUseException", "the proxy URI endpoint %s is used by external key store %s with %s connectivity" % (
                config.get("UriEndpoint"), _describe_store(other), theirs.get("Connectivity"))
    if config.get("Connectivity") == CONNECTIVITY_VPC:
        for other in others:
            theirs = other.get("XksProxyConfiguration") or {}
            if theirs.get("Connectivity") == CONNECTIVITY_VPC and theirs.get("VpcEndpointServiceName") == config.get("VpcEndpointServiceName"):
                return "XksProxyVpcEndpointServiceInUseException", "the VPC endpoint service %s is used by external key store %s" % (
                    config.get("VpcEndpointServiceName"), _describe_store(other))
    return None


def lost_updates(predicted, actual, update_params):
    """The options this update set that ``actual`` (read after it) no longer has: another run's change replaced them."""
    lost = []
    for option, param, member, _offline in PROPERTIES:
        if param in update_params and current_value(actual, member) != current_value(predicted, member):
            lost.append(option)
    if "XksProxyAuthenticationCredential" in update_params and current_value(actual, "AccessKeyId") != current_value(predicted, "AccessKeyId"):
        lost.append(CREDENTIAL_OPTION)
    return lost


class Plan:
    """What a run does to an existing store, decided once from the current entry and the desired options.

    ``parameters`` (UpdateCustomKeyStore, without the id), ``actions`` (in order), ``state`` (settled,
    where the actions start), ``goal``, ``final_state`` (what KMS will report after the run), ``outage``
    (the edit disconnects a CONNECTED store) and ``prediction`` (the entry after the run). A plan that
    needs a secret it does not have raises PlanError when ``need_secret`` (a real run).
    """

    def __init__(self, current, desired, update_credential, connection_state, need_secret=True):
        self.current = current
        self.state = settled(current["ConnectionState"])
        self.parameters = update_parameters(current, desired, update_credential, need_secret=need_secret)
        self.goal = goal_state(self.state, connection_state)
        self.actions = plan_actions(self.state, self.parameters, self.goal)
        self.final_state = self.goal if self.goal in (CONNECTED, DISCONNECTED) else self.state
        # A FAILED store must be disconnected to be edited; it stays so unless connection_state asks otherwise.
        self.disconnects_failed_store = "update" in self.actions and "disconnect" in self.actions and self.final_state == FAILED
        if self.disconnects_failed_store:
            self.final_state = DISCONNECTED
        self.outage = self.state == CONNECTED and self.actions[:2] == ["disconnect", "update"]
        self.prediction = predict_entry(current, self.parameters, self.final_state)

    @property
    def offline_options(self):
        return offline_options(self.parameters)

    @property
    def proxy_target(self):
        """(endpoint, URI path) the store will have: the ones to check before an outage."""
        config = self.prediction.get("XksProxyConfiguration") or {}
        return config.get("UriEndpoint"), config.get("UriPath")

    def lost_updates(self, actual):
        """The options of this plan that ``actual`` (read after the update) no longer has."""
        return lost_updates(self.prediction, actual, self.parameters)


class CreatePlan:
    """Creating a store: ``parameters`` (CreateCustomKeyStore, without the type), ``actions``, ``final_state``, ``prediction``."""

    def __init__(self, desired, connection_state):
        self.parameters = create_parameters(desired)
        self.final_state = CONNECTED if connection_state == "connected" else DISCONNECTED
        self.actions = ["create"] + (["connect"] if self.final_state == CONNECTED else [])
        self.prediction = predict_created_entry(self.parameters, self.final_state)


class DeletePlan:
    """Deleting a store: ``state`` (settled) and ``actions`` (a disconnect first unless it is DISCONNECTED)."""

    def __init__(self, current):
        self.state = settled(current["ConnectionState"])
        self.actions = (["disconnect"] if self.state != DISCONNECTED else []) + ["delete"]
