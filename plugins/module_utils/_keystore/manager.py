# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What kms.xks.xks_keystore does: look the store up once, plan, then create, edit, connect,
disconnect or delete it; predict the result in check mode; restore the connection if an edit fails."""

from ansible_collections.amazon.aws.plugins.module_utils.iam import get_aws_account_id

from ansible_collections.kms.xks.plugins.module_utils._common.collection import BOTOCORE_FOR_VPC_ENDPOINT_SERVICE_OWNER
from ansible_collections.kms.xks.plugins.module_utils._transformations.connection_errors import connection_error_hint
from ansible_collections.kms.xks.plugins.module_utils._common.errors import AnsibleXksError
from ansible_collections.kms.xks.plugins.module_utils._common.errors import error_code
from ansible_collections.kms.xks.plugins.module_utils._common.states import EXTERNAL_KEY_STORE
from ansible_collections.kms.xks.plugins.module_utils._api.keystore import connect_key_store
from ansible_collections.kms.xks.plugins.module_utils._keystore import retire
from ansible_collections.kms.xks.plugins.module_utils._keystore.external_keys import check_store_keys
from ansible_collections.kms.xks.plugins.module_utils._api.key import keys_of_store
from ansible_collections.kms.xks.plugins.module_utils._api.sts import module_caller_arn
from ansible_collections.kms.xks.plugins.module_utils._api.keystore import create_key_store
from ansible_collections.kms.xks.plugins.module_utils._api.keystore import delete_key_store
from ansible_collections.kms.xks.plugins.module_utils._api.keystore import describe_key_store
from ansible_collections.kms.xks.plugins.module_utils._api.keystore import disconnect_key_store
from ansible_collections.kms.xks.plugins.module_utils._api.keystore import list_key_stores
from ansible_collections.kms.xks.plugins.module_utils._transformations.keystore import normalize_key_store
from ansible_collections.kms.xks.plugins.module_utils._api.keystore import update_key_store
from ansible_collections.kms.xks.plugins.module_utils._plan.keystore import CREDENTIAL_OPTION
from ansible_collections.kms.xks.plugins.module_utils._plan.keystore import PROPERTIES
from ansible_collections.kms.xks.plugins.module_utils._plan.keystore import CreatePlan
from ansible_collections.kms.xks.plugins.module_utils._plan.keystore import DeletePlan
from ansible_collections.kms.xks.plugins.module_utils._plan.keystore import Plan
from ansible_collections.kms.xks.plugins.module_utils._plan.keystore import PlanError
from ansible_collections.kms.xks.plugins.module_utils._plan.keystore import uniqueness_conflict
from ansible_collections.kms.xks.plugins.module_utils._proxy.preflight import PreflightError
from ansible_collections.kms.xks.plugins.module_utils._proxy.preflight import preflight
from ansible_collections.kms.xks.plugins.module_utils._spec.keystore import name_warnings
from ansible_collections.kms.xks.plugins.module_utils._spec.config_file import proxy_source
from ansible_collections.kms.xks.plugins.module_utils._spec.keystore import validate_create
from ansible_collections.kms.xks.plugins.module_utils._spec.keystore import validate_keystore_options
from ansible_collections.kms.xks.plugins.module_utils._common.states import CONNECTIVITY_VPC
from ansible_collections.kms.xks.plugins.module_utils._common.states import CONNECTED
from ansible_collections.kms.xks.plugins.module_utils._common.states import CONNECTING
from ansible_collections.kms.xks.plugins.module_utils._common.states import DISCONNECTED
from ansible_collections.kms.xks.plugins.module_utils._common.states import DISCONNECTING
from ansible_collections.kms.xks.plugins.module_utils._common.states import FAILED
from ansible_collections.kms.xks.plugins.module_utils._common.states import TRANSIENT_STATES
from ansible_collections.kms.xks.plugins.module_utils._api.waiter import Timeline
from ansible_collections.kms.xks.plugins.module_utils._api.waiter import WaitTimeoutError
from ansible_collections.kms.xks.plugins.module_utils._api.waiter import wait_for_settled
from ansible_collections.kms.xks.plugins.module_utils._api.waiter import wait_for_state


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

    @classmethod
    def from_error(cls, error, entry=None):
        """The one translation of an AnsibleXksError (AWS, waiter, preflight) into the end of the run."""
        return cls(str(error), error, entry if entry is not None else getattr(error, "entry", None))


class StoreInTransition(Exception):
    """KMS refused a call because another run is moving the store (CONNECTING/DISCONNECTING): settle, then plan again."""

    def __init__(self, entry):
        super().__init__(entry.get("ConnectionState"))
        self.entry = entry


class KeystoreManager:
    def __init__(self, module, client):
        self.module = module
        self.client = client
        self.params = module.params
        self.actions = []  # planned (what a successful run reports)
        self.done = []  # performed (what a failed run reports)
        self.timeline = Timeline()
        self.connected_at_start = False
        self.preflight_verdict = None
        self.store_keys = None  # the KMS keys of a store being retired
        self.can_replan = False  # only an edit plans again, and only once
        self.disconnect_reason = ""

    # -- entry point -------------------------------------------------------------------------
    def run(self):
        """Apply the task and exit the module (exit_json or fail_json)."""
        try:
            desired = self._desired()
            entry = self._lookup()
            self._note_start(entry)
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
        result.update(self._report(after))
        if self.module._diff:  # pylint: disable=protected-access
            result["diff"] = dict(before=normalize_key_store(before), after=normalize_key_store(after))
        self.module.exit_json(**result)

    def _fail(self, failure):
        extra = dict(changed=bool(self.done), actions=self.done)
        if failure.entry is not None:
            extra["custom_key_store"] = normalize_key_store(failure.entry)
        extra.update(self._report(failure.entry))
        code = error_code(failure.cause) if failure.cause is not None else None
        if code:
            extra["error_code"] = code
        self.module.fail_json(msg=failure.message, **extra)

    def _report(self, final):
        """What every result carries besides the store: the timeline of a wait, the outage, the preflight verdict."""
        self._warn_if_left_disconnected(final)
        report = dict(timeline=self.timeline.entries)
        if self.connected_at_start:
            report["outage_seconds"] = self.timeline.seconds_not_connected()
        if self.preflight_verdict:
            report["preflight"] = self.preflight_verdict
        if self.store_keys is not None:
            report["keys"] = self.store_keys
        return report

    def _warn_if_left_disconnected(self, final):
        """A store left DISCONNECTED that connection_state did not ask for: say that its keys do not work."""
        if not final or self.params.get("connection_state") == "disconnected":
            return
        if final.get("ConnectionState") in (DISCONNECTED, DISCONNECTING):
            self.module.warn(
                "External key store %s is %s%s: its KMS keys are unusable until it is connected. Set connection_state=connected to connect it."
                % (final.get("CustomKeyStoreName"), final["ConnectionState"], self.disconnect_reason)
            )

    def _note_start(self, entry):
        if entry is not None:
            self.timeline.record(entry["ConnectionState"])
            self.connected_at_start = entry["ConnectionState"] == CONNECTED

    # -- input -------------------------------------------------------------------------------
    def _desired(self):
        """The requested properties under their option names, the configuration file merged in."""
        errors = validate_keystore_options(self.params)
        if errors:
            raise KeystoreFailure(" ".join(errors))
        for warning in name_warnings(self.params):
            self.module.warn(warning)
        desired = {option: self.params.get(option) for option, _param, _member, _offline in PROPERTIES}
        desired["xks_proxy_uri_path"], desired[CREDENTIAL_OPTION], errors = proxy_source(self.params, self.module.add_secret)
        if errors:
            raise KeystoreFailure(" ".join(errors))
        if self.params.get("id") is None:
            desired["name"] = None  # the name identifies the store; it is not a rename
        return desired

    def _lookup(self):
        """The store's DescribeCustomKeyStores entry, by id or by name: exactly one API call (two to delete by id and name)."""
        store_id, name = self.params.get("id"), self.params.get("name")
        entry = self._call(describe_key_store, self.client, store_id=store_id, name=None if store_id else name)
        if entry is None and store_id and self.params["state"] == "present":
            raise KeystoreFailure("No custom key store has id %s in this account and Region; to create one, give name but not id." % store_id)
        if store_id and name is not None and self.params["state"] == "absent":
            self._refuse_id_and_name_of_different_stores(entry, store_id, name)
        if entry is not None and entry.get("CustomKeyStoreType") != EXTERNAL_KEY_STORE:
            raise KeystoreFailure(
                "Custom key store %s (%s) is a %s key store; kms.xks.xks_keystore manages external key stores only."
                % (entry.get("CustomKeyStoreName"), entry.get("CustomKeyStoreId"), entry.get("CustomKeyStoreType"))
            )
        return entry

    def _refuse_id_and_name_of_different_stores(self, entry, store_id, name):
        """To delete, an id and a name must name the same store: a mismatch deletes nothing."""
        if entry is not None and entry.get("CustomKeyStoreName") == name:
            return
        holder = self._call(describe_key_store, self.client, name=name)
        if entry is None and holder is None:
            return  # neither exists: already absent
        by_id = "id %s is the key store named %s" % (store_id, entry.get("CustomKeyStoreName")) if entry else "no key store has id %s" % store_id
        by_name = "name %s is key store %s" % (name, holder.get("CustomKeyStoreId")) if holder else "no key store is named %s" % name
        raise KeystoreFailure(
            "id and name do not name the same custom key store (%s; %s), so nothing was deleted. Give the id and the name of one store, or only one of them."
            % (by_id, by_name),
            entry=entry,
        )

    # -- paths -------------------------------------------------------------------------------
    def _create(self, desired):
        create_desired = dict(desired, name=self.params.get("name"))
        errors = validate_create(create_desired, need_secret=not self.module.check_mode)
        if errors:
            raise KeystoreFailure(" ".join(errors))
        self._require_owner_support(create_desired)
        plan = CreatePlan(create_desired, self.params.get("connection_state"))
        self.actions = plan.actions
        if self.module.check_mode:
            return self._predicted_owner(plan.prediction)
        store_id = self._do("create", create_key_store, self.client, plan.parameters)
        self.timeline.record(DISCONNECTED)
        if plan.final_state == CONNECTED:
            self._mutate("connect", connect_key_store, store_id)
            if self.params["wait"]:
                return self._wait(store_id, CONNECTED)
        return self._call(describe_key_store, self.client, store_id=store_id)

    def _ensure_present(self, entry, desired):
        self.can_replan = True
        try:
            return self._plan_and_apply(entry, desired)
        except StoreInTransition as transition:
            self.can_replan = False  # once: a second refusal is reported as it is
            return self._plan_and_apply(transition.entry, desired)

    def _plan_and_apply(self, entry, desired):
        entry = self._settle(entry)
        try:
            plan = Plan(entry, desired, self.params["update_credential"], self.params.get("connection_state"), need_secret=not self.module.check_mode)
        except PlanError as e:
            raise KeystoreFailure(str(e), entry=entry)
        self._require_owner_support(desired)
        self.actions = plan.actions
        if plan.disconnects_failed_store:
            self.disconnect_reason = " (it was FAILED, and was disconnected to be edited)"
        if plan.outage:
            self._before_outage(plan, desired)
        if not plan.actions:
            return entry
        if self.module.check_mode:
            return self._predicted_owner(plan.prediction)
        return self._apply(plan)

    def _ensure_absent(self, entry):
        if entry is None:
            return None, None
        entry = self._settle(entry)
        keys = self._call(retire.store_keys, self.client, entry["CustomKeyStoreId"])
        if keys:
            return entry, self._retire_keys(entry, keys)
        plan = DeletePlan(entry)
        self.actions = plan.actions
        if self.module.check_mode:
            return entry, None
        store_id = entry["CustomKeyStoreId"]
        if plan.state != DISCONNECTED:
            self._disconnect(store_id)
            self._wait(store_id, DISCONNECTED)
        try:
            if not delete_key_store(self.client, store_id):
                self.module.warn("External key store %s was deleted by another run at the same time." % store_id)
            self.done.append("delete")
        except AnsibleXksError as e:
            if error_code(e) == "CustomKeyStoreHasCMKsException":
                reason = "it still contains KMS keys: schedule their deletion and wait for it to complete first"
            else:
                reason = str(e)
            self._restore_and_fail("Cannot delete external key store %s: %s." % (store_id, reason), e, store_id, plan.state)
        return entry, None

    # -- steps -------------------------------------------------------------------------------

    def _retire_keys(self, entry, keys):
        """A store that holds KMS keys: refuse before any disconnect, or schedule the keys' deletion and leave the store."""
        if not self.params.get("schedule_key_deletion"):
            raise KeystoreFailure(retire.refusal(entry, keys), entry=entry)
        self.store_keys = [summary for _metadata, summary in keys]
        for summary in retire.to_schedule(keys):
            self.actions.append("schedule_key_deletion")
            self._call(retire.schedule, self.client, summary, self.params["pending_window"], self.module.check_mode)
            if not self.module.check_mode:
                self.done.append("schedule_key_deletion")
        self.module.warn(retire.waiting_message(entry, keys))
        return entry

    def _apply(self, plan):
        """Run the planned actions in order; if the update fails after a disconnect, restore the connection."""
        store_id, last = plan.current["CustomKeyStoreId"], None
        for index, action in enumerate(plan.actions):
            if action == "disconnect":
                self._disconnect(store_id)
                if self.params["wait"] or index + 1 < len(plan.actions):  # an update or a connect needs DISCONNECTED first
                    last = self._wait(store_id, DISCONNECTED)
            elif action == "update":
                self._update(store_id, plan.parameters, plan.state)
                last = None
            elif action == "connect":
                self._mutate("connect", connect_key_store, store_id)
                last = self._wait(store_id, CONNECTED) if self.params["wait"] else None
        if last is not None:
            return last
        if plan.actions[-1] == "update":
            return self._read_back(plan)
        return self._call(describe_key_store, self.client, store_id=store_id)

    def _update(self, store_id, params, state):
        try:
            update_key_store(self.client, store_id, params)
        except AnsibleXksError as e:
            self._raise_if_in_transition(e, store_id)
            self._restore_and_fail("KMS rejected the update of external key store %s: %s" % (store_id, _sentence(str(e))), e, store_id, state)
        self.done.append("update")

    def _read_back(self, plan):
        """The store after an update that ends the run, as KMS reports it: another run may have edited it at the same time."""
        store_id = plan.current["CustomKeyStoreId"]
        actual = self._call(describe_key_store, self.client, store_id=store_id)
        if actual is None:
            raise KeystoreFailure("External key store %s disappeared right after its update (deleted by another run?)." % store_id, entry=plan.current)
        lost = plan.lost_updates(actual)
        if lost:
            self.module.warn(
                "Another change to external key store %s landed at the same time and replaced this task's %s (concurrent edits of one store are "
                "last-writer-wins): the result shows the store as KMS reports it. Serialise the runs that edit one store (e.g. throttle: 1)."
                % (store_id, ", ".join(lost))
            )
        return actual

    def _restore_and_fail(self, message, cause, store_id, original_state):
        """Put the connection back the way it was, then fail with both the error and the final state."""
        self.can_replan = False
        if original_state == CONNECTED and "disconnect" in self.done:
            try:
                self._mutate("connect", connect_key_store, store_id)
                final = self._wait(store_id, CONNECTED)
            except KeystoreFailure as restore_error:
                final = self._call(describe_key_store, self.client, store_id=store_id)
                raise KeystoreFailure(
                    "%s Restoring the connection failed as well: %s The key store is now %s."
                    % (message, _sentence(restore_error.message), (final or {}).get("ConnectionState", "unknown")),
                    cause,
                    final,
                )
            raise KeystoreFailure("%s The key store was reconnected and is %s." % (message, final["ConnectionState"]), cause, final)
        final = self._call(describe_key_store, self.client, store_id=store_id)
        raise KeystoreFailure("%s The key store is %s." % (message, (final or {}).get("ConnectionState", "unknown")), cause, final)

    def _before_outage(self, plan, desired):
        """An edit will disconnect a connected store: refuse what KMS would refuse, or what is not allowed; else preflight the new values."""
        entry = plan.current
        if plan.goal == CONNECTED and not self.params["allow_disconnect"]:
            raise KeystoreFailure(
                "Changing %s needs external key store %s to be disconnected, and allow_disconnect is false. Set allow_disconnect=true "
                "to disconnect and reconnect it automatically, or disconnect it first." % (", ".join(plan.offline_options), entry["CustomKeyStoreId"]),
                entry=entry,
            )
        self._refuse_what_kms_would_refuse(plan)
        if plan.goal == CONNECTED:
            self._preflight(plan, desired.get(CREDENTIAL_OPTION))

    def _refuse_what_kms_would_refuse(self, plan):
        """Check the new values against the uniqueness rules and the other stores (one call), so a sure refusal costs no outage."""
        entry = plan.current
        others = [other for other in self._call(list_key_stores, self.client) if other.get("CustomKeyStoreId") != entry["CustomKeyStoreId"]]
        conflict = uniqueness_conflict(plan.prediction, others)
        if conflict is None:
            return
        code, reason = conflict
        message = "KMS would refuse this update with %s: %s. External key store %s was left as it is (CONNECTED)." % (code, reason, entry["CustomKeyStoreId"])
        self.preflight_verdict = dict(outcome="refused", message=message)
        raise KeystoreFailure(message, entry=entry)

    def _preflight(self, plan, credential):
        """Ask the proxy with the new values (GetHealthStatus, then GetKeyMetadata of the store's external keys); keep the verdict."""
        warnings = []

        def warn(message):
            warnings.append(message)
            self.module.warn(message)

        endpoint, uri_path = plan.proxy_target
        mode = self.params["preflight"]
        try:
            result = preflight(mode, endpoint, uri_path, credential, self.module.region, warn)
            if result is not None and result.healthy:
                outcome, message = self._preflight_external_keys(mode, plan.current, endpoint, uri_path, credential, warn)
                self.preflight_verdict = dict(outcome=outcome, message="%s %s" % (result.message, message))
                return
        except AnsibleXksError as e:
            self.preflight_verdict = dict(outcome="refused", message=str(e))
            raise KeystoreFailure.from_error(e, plan.current)
        if result is not None:
            self.preflight_verdict = dict(outcome="warned", message=warnings[-1] if warnings else result.message)
        else:
            self.preflight_verdict = dict(outcome="skipped", message=warnings[-1] if warnings else "preflight=never")

    def _preflight_external_keys(self, mode, entry, endpoint, uri_path, credential, warn):
        """After a healthy GetHealthStatus: GetKeyMetadata on the new proxy for the external key of each of the store's KMS keys."""
        try:
            keys = keys_of_store(self.client, entry["CustomKeyStoreId"])
            principal = module_caller_arn(self.module) if keys else None  # KMS names its caller in GetKeyMetadata
        except AnsibleXksError as e:
            what = "Preflight could not find the store's KMS keys or the caller's identity to check their external keys"
            if mode == "always":
                raise PreflightError(message="%s (preflight=always): %s" % (what, e))
            warn("%s, going on: %s" % (what, e))
            return "warned", "External keys not checked: %s" % e
        if not keys:
            return "ok", "The store has no KMS keys: 0 external keys checked."
        return check_store_keys(mode, endpoint, uri_path, credential, self.module.region, principal, keys, warn)

    def _predicted_owner(self, predicted):
        """KMS records the caller's account as the owner of a VPC endpoint service given without one: predict that too."""
        config = predicted.get("XksProxyConfiguration") or {}
        if config.get("Connectivity") == CONNECTIVITY_VPC and not config.get("VpcEndpointServiceOwner"):
            config["VpcEndpointServiceOwner"] = get_aws_account_id(self.module)
        return predicted

    def _settle(self, entry):
        """Wait out CONNECTING/DISCONNECTING before changing anything (not in check mode)."""
        if self.module.check_mode or entry["ConnectionState"] not in TRANSIENT_STATES:
            return entry
        return self._call(wait_for_settled, self.client, entry["CustomKeyStoreId"], self.params["wait_timeout"], observe=self.timeline.record)

    def _wait(self, store_id, target):
        try:
            return self._call(wait_for_state, self.client, store_id, target, self.params["wait_timeout"], observe=self.timeline.record)
        except KeystoreFailure as failure:
            if isinstance(failure.cause, WaitTimeoutError) and self.connected_at_start and failure.cause.reached != CONNECTED:
                failure.message = self._unfinished_outage(store_id, failure.cause)
            raise

    def _unfinished_outage(self, store_id, timeout):
        """A wait that ran out while a store that was CONNECTED is not: say so, and how to end the outage."""
        return (
            "Timed out after %ss waiting for external key store %s to be %s; it is %s. It was CONNECTED before this task, and its KMS keys "
            "are unusable until it is connected again: to finish and reconnect it, run this task again with connection_state=connected "
            "(KMS takes about five minutes per transition; raise wait_timeout to wait longer)." % (timeout.timeout, store_id, timeout.target, timeout.reached)
        )

    def _disconnect(self, store_id):
        """DisconnectCustomKeyStore; a store that another run is already disconnecting is on its way, not a failure."""
        try:
            disconnect_key_store(self.client, store_id)
        except AnsibleXksError as e:
            entry = self._entry_after_refusal(e, store_id)
            if entry is None or entry["ConnectionState"] not in (DISCONNECTING, DISCONNECTED):
                self._raise_if_in_transition(e, store_id, entry)
                raise KeystoreFailure.from_error(e, entry)
            self.timeline.record(entry["ConnectionState"])
        else:
            self.timeline.record(DISCONNECTING)
        self.done.append("disconnect")

    def _mutate(self, action, function, store_id):
        """ConnectCustomKeyStore (or another state change): on a refusal because another run is moving the store, plan again."""
        try:
            function(self.client, store_id)
        except AnsibleXksError as e:
            self._raise_if_in_transition(e, store_id)
            raise KeystoreFailure.from_error(e)
        self.done.append(action)
        self.timeline.record(CONNECTING if action == "connect" else DISCONNECTING)

    def _entry_after_refusal(self, error, store_id):
        """The store read again after KMS refused a call for its state (CustomKeyStoreInvalidStateException), else None."""
        if error_code(error) != "CustomKeyStoreInvalidStateException":
            return None
        return self._call(describe_key_store, self.client, store_id=store_id)

    def _raise_if_in_transition(self, error, store_id, entry=None):
        """KMS refused because the store is CONNECTING or DISCONNECTING (another run): settle and plan again, once."""
        if not self.can_replan:
            return
        entry = entry or self._entry_after_refusal(error, store_id)
        if entry is not None and entry["ConnectionState"] in TRANSIENT_STATES:
            self.timeline.record(entry["ConnectionState"])
            raise StoreInTransition(entry)

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
            raise KeystoreFailure.from_error(e)
