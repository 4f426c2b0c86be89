# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What kms.xks.xks_key does: find the key with one DescribeKey, read only what the task's options need,
plan, then create it in its external key store (after a preflight of the external key), edit it, or
schedule or cancel its deletion; predict the key in check mode."""

from ansible_collections.kms.xks.plugins.module_utils._api import key as api
from ansible_collections.kms.xks.plugins.module_utils._api.keystore import describe_key_store
from ansible_collections.kms.xks.plugins.module_utils._api.sts import module_caller_arn
from ansible_collections.kms.xks.plugins.module_utils._common.errors import AnsibleXksError
from ansible_collections.kms.xks.plugins.module_utils._common.errors import error_code
from ansible_collections.kms.xks.plugins.module_utils._common.states import CONNECTED
from ansible_collections.kms.xks.plugins.module_utils._common.states import EXTERNAL_KEY_STORE
from ansible_collections.kms.xks.plugins.module_utils._plan import key as plan
from ansible_collections.kms.xks.plugins.module_utils._proxy.key_metadata import check_external_key
from ansible_collections.kms.xks.plugins.module_utils._spec.config_file import proxy_source
from ansible_collections.kms.xks.plugins.module_utils._spec.key import alias_name
from ansible_collections.kms.xks.plugins.module_utils._spec.key import create_problems
from ansible_collections.kms.xks.plugins.module_utils._spec.key import validate_key_options
from ansible_collections.kms.xks.plugins.module_utils._transformations.connection_errors import connection_error_hint
from ansible_collections.kms.xks.plugins.module_utils._transformations.key import describe_holder
from ansible_collections.kms.xks.plugins.module_utils._transformations.key import normalize_key


class KeyFailure(Exception):
    """Ends the run with a failure; ``cause`` is the AnsibleXksError behind it, if any."""

    def __init__(self, message, cause=None):
        super().__init__(message)
        self.message = message
        self.cause = cause


def _store_label(entry):
    return "%s (%s)" % (entry.get("CustomKeyStoreName"), entry.get("CustomKeyStoreId"))


class KeyManager:
    def __init__(self, module, client):
        self.module = module
        self.client = client
        self.params = module.params
        self.alias = alias_name(self.params.get("alias"))
        self.actions = []  # planned (what a successful run reports)
        self.done = []  # performed (what a failed run reports)
        self.preflight_verdict = None

    # -- entry point -------------------------------------------------------------------------
    def run(self):
        try:
            errors = validate_key_options(self.params)
            if errors:
                raise KeyFailure(" ".join(errors))
            metadata = self._call(api.describe_key, self.alias if self.params.get("key_id") is None else self.params["key_id"])
            if self.params["state"] == "absent":
                before, after = self._ensure_absent(metadata)
            elif metadata is None:
                before, after = None, self._create()
            else:
                before = self._read(metadata)
                after = self._ensure_present(before)
        except KeyFailure as failure:
            self._fail(failure)
        self._exit(before, after)

    def _exit(self, before, after):
        with_policy = self.params.get("policy") is not None
        result = dict(changed=bool(self.actions), actions=self.actions, key=normalize_key(after, with_policy))
        if self.preflight_verdict:
            result["preflight"] = self.preflight_verdict
        if self.module._diff:  # pylint: disable=protected-access
            result["diff"] = dict(before=normalize_key(before, with_policy), after=normalize_key(after, with_policy))
        self.module.exit_json(**result)

    def _fail(self, failure):
        extra = dict(changed=bool(self.done), actions=self.done)
        code = error_code(failure.cause) if failure.cause is not None else None
        if code:
            extra["error_code"] = code
        if self.preflight_verdict:
            extra["preflight"] = self.preflight_verdict
        self.module.fail_json(msg=failure.message, **extra)

    def _call(self, function, *args):
        """An API wrapper's result; its AnsibleXksError becomes the run's failure."""
        try:
            return function(self.client, *args)
        except AnsibleXksError as e:
            raise KeyFailure(str(e), e)

    # -- reading -----------------------------------------------------------------------------
    def _read(self, metadata):
        """The key with what the task's options need: aliases for an alias to add, tags, policy."""
        key_id = metadata["KeyId"]
        if self.alias is None:
            aliases = []
        elif self.params.get("key_id") is None:
            aliases = [self.alias]  # found by it
        else:
            aliases = self._call(api.list_alias_names, key_id)
        tags = self._call(api.list_tags, key_id) if self.params.get("tags") is not None else None
        policy = self._call(api.get_policy, key_id) if self.params.get("policy") is not None else None
        return plan.KeyState(metadata, aliases, tags, policy)

    def _store(self, store_id=None, name=None):
        """The DescribeCustomKeyStores entry of the store, or a failure naming it."""
        entry = self._call(describe_key_store, store_id, name)
        if entry is None:
            raise KeyFailure("No custom key store %s %r exists in %s." % (
                "with ID" if store_id else "named", store_id or name, self.params.get("region")))
        if entry.get("CustomKeyStoreType") != EXTERNAL_KEY_STORE:
            raise KeyFailure("Custom key store %s is a %s, not an external key store." % (_store_label(entry), entry.get("CustomKeyStoreType")))
        return entry

    def _task_store_id(self):
        """The store id the task names: custom_key_store_id as given, or the id of the store named custom_key_store_name."""
        if self.params.get("custom_key_store_id") is not None:
            return self.params["custom_key_store_id"], "custom_key_store_id"
        if self.params.get("custom_key_store_name") is not None:
            return self._store(name=self.params["custom_key_store_name"])["CustomKeyStoreId"], "custom_key_store_name"
        return None, None

    # -- absent ------------------------------------------------------------------------------
    def _ensure_absent(self, metadata):
        if metadata is None:
            return None, None
        before = plan.KeyState(metadata, [self.alias] if self.alias and self.params.get("key_id") is None else [])
        self._refuse_create_only_conflicts(metadata)
        actions = plan.plan_absent(before)
        after = plan.predict(before, actions, self.params["pending_window"])
        self._apply(metadata["KeyId"], actions, after)
        return before, after

    # -- present -----------------------------------------------------------------------------
    def _refuse_create_only_conflicts(self, metadata):
        store_id, label = self._task_store_id()
        problems = plan.create_only_conflicts(metadata, store_id, self.params.get("xks_key_id"), label)
        if problems:
            raise KeyFailure(" ".join(problems) + " Nothing was changed.")

    def _ensure_present(self, before):
        self._refuse_create_only_conflicts(before.metadata)
        if before.metadata.get("KeyState") == plan.UNAVAILABLE:
            self._warn_unavailable(before.metadata)
        actions = plan.plan_present(before, self.params, self.alias)
        after = plan.predict(before, actions, self.params["pending_window"])
        self._apply(before.metadata["KeyId"], actions, after)
        return after

    def _warn_unavailable(self, metadata):
        """Say why the key is Unavailable, with its store's state; enabled is neither checked nor waited for."""
        entry = self._call(describe_key_store, metadata.get("CustomKeyStoreId"), None) or {}
        state = entry.get("ConnectionState", "not found")
        hint = connection_error_hint(entry.get("ConnectionErrorCode"))
        self.module.warn(
            "KMS key %s is Unavailable: its external key store %s is %s%s. It cannot encrypt or decrypt until the store is CONNECTED, "
            "and whether it is enabled cannot be checked or changed until then (not waited for)."
            % (metadata["KeyId"], metadata.get("CustomKeyStoreId"), state, " (%s)" % hint if hint else "")
        )

    def _apply(self, key_id, actions, after):
        self.actions.extend(action for action, _argument in actions)
        if self.module.check_mode:
            return
        for action, argument in actions:
            self._perform(key_id, action, argument, after)
            self.done.append(action)

    def _perform(self, key_id, action, argument, after):
        if action == "schedule_deletion":
            response = self._call(api.schedule_deletion, key_id, self.params["pending_window"])
            after.metadata["DeletionDate"] = response.get("DeletionDate", after.metadata.get("DeletionDate"))
        elif action in ("cancel_deletion", "enable", "disable"):
            self._call({"cancel_deletion": api.cancel_deletion, "enable": api.enable_key, "disable": api.disable_key}[action], key_id)
        else:
            function = {"create_alias": api.create_alias, "update_description": api.update_description, "tag": api.tag_key,
                        "untag": api.untag_key, "put_policy": api.put_policy}[action]
            if action == "create_alias":
                self._call(function, argument, key_id)
            else:
                self._call(function, key_id, argument)

    # -- create ------------------------------------------------------------------------------
    def _create(self):
        errors = create_problems(self.params)
        if errors:
            raise KeyFailure(" ".join(errors))
        store = self._store(self.params.get("custom_key_store_id"), self.params.get("custom_key_store_name"))
        if store["ConnectionState"] != CONNECTED:
            hint = connection_error_hint(store.get("ConnectionErrorCode"))
            raise KeyFailure(
                "External key store %s is %s%s: KMS creates keys only in a CONNECTED store. Connect it first "
                "(kms.xks.xks_keystore with connection_state=connected). Nothing was changed."
                % (_store_label(store), store["ConnectionState"], " (%s)" % hint if hint else "")
            )
        self._preflight(store)
        predicted = plan.predicted_new_key(store, self.params["xks_key_id"], self.params, self.params.get("region"))
        followups = plan.plan_present(predicted, self.params, self.alias)  # the alias, and a disable for enabled=false
        self.actions.append("create")
        if self.module.check_mode:
            self.actions.extend(action for action, _argument in followups)
            return plan.predict(predicted, followups, self.params["pending_window"])
        metadata = self._create_key(store)
        created = plan.KeyState(metadata, [], predicted.tags, predicted.policy)
        self.done.append("create")
        after = plan.predict(created, followups, self.params["pending_window"])
        self._apply(metadata["KeyId"], followups, after)
        return after

    def _preflight(self, store):
        _path, credential, errors = proxy_source(self.params, self.module.add_secret)
        if errors:
            raise KeyFailure(" ".join(errors))
        principal = None
        if self.params["preflight"] != "never" and credential and credential.get("raw_secret_access_key"):
            try:
                principal = module_caller_arn(self.module)
            except AnsibleXksError as e:
                raise KeyFailure(str(e), e)
        try:
            self.preflight_verdict = check_external_key(self.params["preflight"], store, self.params["xks_key_id"], credential,
                                                        self.params.get("region"), principal, self.module.warn)
        except AnsibleXksError as e:
            self.preflight_verdict = dict(outcome="refused", message=e.message)
            raise KeyFailure(e.message)

    def _create_key(self, store):
        request = api.create_request(store["CustomKeyStoreId"], self.params["xks_key_id"], self.params.get("description"),
                                     self.params.get("tags"), self.params.get("policy"))
        try:
            return api.create_key(self.client, request)
        except AnsibleXksError as e:
            code = error_code(e)
            if code == "XksKeyAlreadyInUseException":
                raise KeyFailure(self._already_in_use_message(store), e)
            if code == "CustomKeyStoreInvalidStateException":
                entry = self._call(describe_key_store, store["CustomKeyStoreId"], None) or {}
                raise KeyFailure("%s (external key store %s is now %s)." % (e, _store_label(store), entry.get("ConnectionState", "gone")), e)
            raise KeyFailure(str(e), e)

    def _already_in_use_message(self, store):
        """Name the KMS key of this store that already holds the external key (ListKeys + DescribeKey, then its aliases)."""
        xks_key_id = self.params["xks_key_id"]
        holders = [metadata for metadata in self._call(api.keys_of_store, store["CustomKeyStoreId"]) if plan.xks_key_id_of(metadata) == xks_key_id]
        named = ", ".join(describe_holder(metadata, self._call(api.list_alias_names, metadata["KeyId"])) for metadata in holders)
        return (
            "External key %r is already the key material of KMS key %s in external key store %s: KMS binds an external key to one "
            "KMS key per store. Manage that key (key_id), or give another xks_key_id. Nothing was created."
            % (xks_key_id, named or "(not found: it may have been deleted just now)", _store_label(store))
        )
