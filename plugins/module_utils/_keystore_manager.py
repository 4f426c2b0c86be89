# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What kms.xks.xks_keystore does: look the store up once, plan, then create, edit, connect,
disconnect or delete it; predict the result in check mode; restore the connection if an edit fails."""

from ansible_collections.kms.xks.plugins.module_utils._common import BOTOCORE_FOR_VPC_ENDPOINT_SERVICE_OWNER
from ansible_collections.kms.xks.plugins.module_utils._connection_errors import connection_error_hint
from ansible_collections.kms.xks.plugins.module_utils._errors import AnsibleXksError
from ansible_collections.kms.xks.plugins.module_utils._errors import error_code
from ansible_collections.kms.xks.plugins.module_utils._keystore_api import EXTERNAL_KEY_STORE
from ansible_collections.kms.xks.plugins.module_utils._keystore_api import connect_key_store
from ansible_collections.kms.xks.plugins.module_utils._keystore_api import create_key_store
from ansible_collections.kms.xks.plugins.module_utils._keystore_api import delete_key_store
from ansible_collections.kms.xks.plugins.module_utils._keystore_api import describe_key_store
from ansible_collections.kms.xks.plugins.module_utils._keystore_api import disconnect_key_store
from ansible_collections.kms.xks.plugins.module_utils._keystore_api import normalize_key_store
from ansible_collections.kms.xks.plugins.module_utils._keystore_api import update_key_store
from ansible_collections.kms.xks.plugins.module_utils._plan import CREDENTIAL_OPTION
from ansible_collections.kms.xks.plugins.module_utils._plan import PROPERTIES
from ansible_collections.kms.xks.plugins.module_utils._plan import SETTLED_STATE
from ansible_collections.kms.xks.plugins.module_utils._plan import PlanError
from ansible_collections.kms.xks.plugins.module_utils._plan import create_parameters
from ansible_collections.kms.xks.plugins.module_utils._plan import goal_state
from ansible_collections.kms.xks.plugins.module_utils._plan import offline_options
from ansible_collections.kms.xks.plugins.module_utils._plan import plan_actions
from ansible_collections.kms.xks.plugins.module_utils._plan import predict_created_entry
from ansible_collections.kms.xks.plugins.module_utils._plan import predict_entry
from ansible_collections.kms.xks.plugins.module_utils._plan import update_parameters
from ansible_collections.kms.xks.plugins.module_utils._preflight import preflight
from ansible_collections.kms.xks.plugins.module_utils._validation import XksValidationError
from ansible_collections.kms.xks.plugins.module_utils._validation import name_warnings
from ansible_collections.kms.xks.plugins.module_utils._validation import proxy_path_and_credential
from ansible_collections.kms.xks.plugins.module_utils._validation import validate_create
from ansible_collections.kms.xks.plugins.module_utils._validation import validate_keystore_options
from ansible_collections.kms.xks.plugins.module_utils._waiter import CONNECTED
from ansible_collections.kms.xks.plugins.module_utils._waiter import DISCONNECTED
from ansible_collections.kms.xks.plugins.module_utils._waiter import FAILED
from ansible_collections.kms.xks.plugins.module_utils._waiter import wait_for_settled
from ansible_collections.kms.xks.plugins.module_utils._waiter import wait_for_state


def _sentence(text):
    """Text that ends with a full stop, so that more sentences can follow it."""
    return text if text.rstrip().endswith(".") else text.rstrip() + "."


class KeystoreFailure(Exception):
    """Ends the run with a failure; carries what the task result should still show."""

    def __init__(self, message, cause=None, entry=None):
        super().__init__(message)
        self.message = message
        self.cause = cause
        self.entry = entry


class KeystoreManager:
    def __init__(self, module, client):
        self.module = module
        self.client = client
        self.params = module.params
        self.actions = []  # planned (what a successful run reports)
        self.done = []  # performed (what a failed run reports)

    # -- entry point -------------------------------------------------------------------------
    def run(self):
        """Apply the task and exit the module (exit_json or fail_json)."""
        try:
            desired = self._desired()
            entry = self._lookup()
            if self.params["state"] == "absent":
                before, after = self._ensure_absent(entry)
            elif entry is None:
                before, after = None, self._create(desired)
            else:
                before, after = entry, self._ensure_present(entry, desired)
        except KeystoreFailure as failure:
            self._fail(failure)
        self._exit(before, after)

    def _exit(self, before, after):
        if after and after.get("ConnectionState") == FAILED:
            self.module.warn("External key store %s is FAILED: %s" % (after.get("CustomKeyStoreId"), connection_error_hint(after.get("ConnectionErrorCode"))))
        result = dict(changed=bool(self.actions), actions=self.actions, custom_key_store=normalize_key_store(after))
        if self.module._diff:  # pylint: disable=protected-access
            result["diff"] = dict(before=normalize_key_store(before), after=normalize_key_store(after))
        self.module.exit_json(**result)

    def _fail(self, failure):
        extra = dict(changed=bool(self.done), actions=self.done)
        if failure.entry is not None:
            extra["custom_key_store"] = normalize_key_store(failure.entry)
        code = error_code(failure.cause) if failure.cause is not None else None
        if code:
            extra["error_code"] = code
        self.module.fail_json(msg=failure.message, **extra)

    # -- input -------------------------------------------------------------------------------
    def _desired(self):
        """The requested properties under their option names, the configuration file merged in."""
        errors = validate_keystore_options(self.params)
        if errors:
            raise KeystoreFailure(" ".join(errors))
        for warning in name_warnings(self.params):
            self.module.warn(warning)
        desired = {option: self.params.get(option) for option, _param, _member, _offline in PROPERTIES}
        try:
            desired["xks_proxy_uri_path"], desired[CREDENTIAL_OPTION] = proxy_path_and_credential(self.params, self.module.add_secret)
        except XksValidationError as e:
            raise KeystoreFailure(str(e))
        if self.params.get("id") is None:
            desired["name"] = None  # the name identifies the store; it is not a rename
        return desired

    def _lookup(self):
        """The store's DescribeCustomKeyStores entry, by id or by name: exactly one API call."""
        store_id, name = self.params.get("id"), self.params.get("name")
        entry = self._call(describe_key_store, self.client, store_id=store_id, name=None if store_id else name)
        if entry is None and store_id and self.params["state"] == "present":
            raise KeystoreFailure("No custom key store has id %s in this account and Region; to create one, give name but not id." % store_id)
        if entry is not None and entry.get("CustomKeyStoreType") != EXTERNAL_KEY_STORE:
            raise KeystoreFailure(
                "Custom key store %s (%s) is a %s key store; kms.xks.xks_keystore manages external key stores only."
                % (entry.get("CustomKeyStoreName"), entry.get("CustomKeyStoreId"), entry.get("CustomKeyStoreType"))
            )
        return entry

    # -- paths -------------------------------------------------------------------------------
    def _create(self, desired):
        create_desired = dict(desired, name=self.params.get("name"))
        errors = validate_create(create_desired, need_secret=not self.module.check_mode)
        if errors:
            raise KeystoreFailure(" ".join(errors))
        self._require_owner_support(create_desired)
        params = create_parameters(create_desired)
        goal = CONNECTED if self.params.get("connection_state") == "connected" else DISCONNECTED
        self.actions = ["create"] + (["connect"] if goal == CONNECTED else [])
        if self.module.check_mode:
            return predict_created_entry(params, goal)
        store_id = self._do("create", create_key_store, self.client, params)
        if goal == CONNECTED:
            self._do("connect", connect_key_store, self.client, store_id)
            if self.params["wait"]:
                return self._wait(store_id, CONNECTED)
        return self._call(describe_key_store, self.client, store_id=store_id)

    def _ensure_present(self, entry, desired):
        entry = self._settle(entry)
        state = SETTLED_STATE.get(entry["ConnectionState"], entry["ConnectionState"])
        try:
            params = update_parameters(entry, desired, self.params["update_credential"], need_secret=not self.module.check_mode)
        except PlanError as e:
            raise KeystoreFailure(str(e), entry=entry)
        self._require_owner_support(desired)
        goal = goal_state(state, self.params.get("connection_state"))
        self.actions = plan_actions(state, params, goal)
        final_state = goal if goal in (CONNECTED, DISCONNECTED) else state
        if "update" in self.actions and "disconnect" in self.actions and final_state == FAILED:
            final_state = DISCONNECTED  # a FAILED store must be disconnected to be edited; it stays so unless asked
            self.module.warn(
                "Key store %s was FAILED; it was disconnected to be edited. Set connection_state=connected to reconnect it." % entry["CustomKeyStoreId"]
            )
        if "update" in self.actions and "disconnect" in self.actions and state == CONNECTED and goal == CONNECTED:
            self._before_outage(entry, desired, params)
        if self.module.check_mode or not self.actions:
            return predict_entry(entry, params, final_state) if self.actions else entry
        return self._apply(entry, params, state, final_state)

    def _ensure_absent(self, entry):
        if entry is None:
            return None, None
        entry = self._settle(entry)
        state = SETTLED_STATE.get(entry["ConnectionState"], entry["ConnectionState"])
        self.actions = (["disconnect"] if state != DISCONNECTED else []) + ["delete"]
        if self.module.check_mode:
            return entry, None
        store_id = entry["CustomKeyStoreId"]
        if state != DISCONNECTED:
            self._do("disconnect", disconnect_key_store, self.client, store_id)
            self._wait(store_id, DISCONNECTED)
        try:
            delete_key_store(self.client, store_id)
            self.done.append("delete")
        except AnsibleXksError as e:
            if error_code(e) == "CustomKeyStoreHasCMKsException":
                reason = "it still contains KMS keys: schedule their deletion and wait for it to complete first"
            else:
                reason = str(e)
            self._restore_and_fail("Cannot delete external key store %s: %s." % (store_id, reason), e, store_id, state)
        return entry, None

    # -- steps -------------------------------------------------------------------------------
    def _apply(self, entry, params, state, final_state):
        """Run the planned actions in order; if the update fails after a disconnect, restore the connection."""
        store_id, last = entry["CustomKeyStoreId"], None
        for index, action in enumerate(self.actions):
            if action == "disconnect":
                self._do("disconnect", disconnect_key_store, self.client, store_id)
                if self.params["wait"] or index + 1 < len(self.actions):  # an update or a connect needs DISCONNECTED first
                    last = self._wait(store_id, DISCONNECTED)
            elif action == "update":
                try:
                    update_key_store(self.client, store_id, params)
                    self.done.append("update")
                except AnsibleXksError as e:
                    self._restore_and_fail("KMS rejected the update of external key store %s: %s" % (store_id, _sentence(str(e))), e, store_id, state)
                last = None
            elif action == "connect":
                self._do("connect", connect_key_store, self.client, store_id)
                last = self._wait(store_id, CONNECTED) if self.params["wait"] else None
        if last is not None:
            return last
        if self.actions[-1] == "update":
            return predict_entry(entry, params, final_state)  # UpdateCustomKeyStore returns nothing; skip a read
        return self._call(describe_key_store, self.client, store_id=store_id)

    def _restore_and_fail(self, message, cause, store_id, original_state):
        """Put the connection back the way it was, then fail with both the error and the final state."""
        if original_state == CONNECTED and "disconnect" in self.done:
            try:
                connect_key_store(self.client, store_id)
                self.done.append("connect")
                final = self._wait(store_id, CONNECTED)
            except (AnsibleXksError, KeystoreFailure) as restore_error:
                final = self._call(describe_key_store, self.client, store_id=store_id)
                raise KeystoreFailure(
                    "%s Restoring the connection failed as well: %s The key store is now %s."
                    % (message, _sentence(str(getattr(restore_error, "message", restore_error))), (final or {}).get("ConnectionState", "unknown")),
                    cause,
                    final,
                )
            raise KeystoreFailure("%s The key store was reconnected and is %s." % (message, final["ConnectionState"]), cause, final)
        final = self._call(describe_key_store, self.client, store_id=store_id)
        raise KeystoreFailure("%s The key store is %s." % (message, (final or {}).get("ConnectionState", "unknown")), cause, final)

    def _before_outage(self, entry, desired, params):
        """An edit will disconnect a connected store: refuse if not allowed, else preflight the new values."""
        if not self.params["allow_disconnect"]:
            raise KeystoreFailure(
                "Changing %s needs external key store %s to be disconnected, and allow_disconnect is false. Set allow_disconnect=true "
                "to disconnect and reconnect it automatically, or disconnect it first." % (", ".join(offline_options(params)), entry["CustomKeyStoreId"]),
                entry=entry,
            )
        config = entry.get("XksProxyConfiguration") or {}
        try:
            preflight(
                self.params["preflight"],
                desired.get("xks_proxy_uri_endpoint") or config.get("UriEndpoint"),
                desired.get("xks_proxy_uri_path") or config.get("UriPath"),
                desired.get(CREDENTIAL_OPTION),
                self.module.region,
                self.module.warn,
            )
        except AnsibleXksError as e:
            raise KeystoreFailure(e.message, entry=entry)

    def _settle(self, entry):
        """Wait out CONNECTING/DISCONNECTING before changing anything (not in check mode)."""
        if self.module.check_mode or entry["ConnectionState"] not in SETTLED_STATE:
            return entry
        return self._call(wait_for_settled, self.client, entry["CustomKeyStoreId"], self.params["wait_timeout"])

    def _wait(self, store_id, target):
        return self._call(wait_for_state, self.client, store_id, target, self.params["wait_timeout"])

    def _require_owner_support(self, desired):
        if desired.get("xks_proxy_vpc_endpoint_service_owner") is not None:
            self.module.require_botocore_at_least(BOTOCORE_FOR_VPC_ENDPOINT_SERVICE_OWNER, reason="to use xks_proxy_vpc_endpoint_service_owner")

    def _do(self, action, function, *args):
        """Make a mutating call through _call and record the action as performed."""
        result = self._call(function, *args)
        self.done.append(action)
        return result

    def _call(self, function, *args, **kwargs):
        """Call an API helper; an AWS failure ends the run with the state we know."""
        try:
            return function(*args, **kwargs)
        except AnsibleXksError as e:
            raise KeystoreFailure(e.message if e.exception is None else str(e), e, getattr(e, "entry", None))
