# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The module classes every kms.xks module is built on."""

try:
    from botocore.config import Config
except ImportError:
    Config = None  # the modules report a missing botocore

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.amazon.aws.plugins.module_utils.common import set_collection_info
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.kms.xks.plugins.module_utils._spec.credential import normalize_credentials
from ansible_collections.kms.xks.plugins.module_utils._spec.credential import values_to_mask
from ansible_collections.kms.xks.plugins.module_utils._common.collection import COLLECTION_NAME
from ansible_collections.kms.xks.plugins.module_utils._common.collection import COLLECTION_VERSION
from ansible_collections.kms.xks.plugins.module_utils._common.retries import KMS_RETRIES


class XksAnsibleModule(AnsibleModule):
    """AnsibleModule that masks every value given to a credential option, in any shape, at every verbosity.

    The values are masked as soon as they are read, before ansible-core validates them: its own
    collection of no_log values misses what is not a well-formed dict (a string, a list, a number, a
    misspelled key), and its errors and the argument echo (invocation.module_args) would show them.
    """

    def _load_params(self):
        super()._load_params()
        # ansible-core creates no_log_values before it loads the parameters and only adds to it later.
        self.no_log_values.update(values_to_mask(self.argument_spec, self.params))

    def _set_internal_properties(self, argument_spec=None, module_parameters=None):
        super()._set_internal_properties(argument_spec, module_parameters)
        if argument_spec is None and module_parameters is None:  # the call of __init__, before validation
            problems = normalize_credentials(self.params)
            if problems:
                self.fail_json(msg=" ".join(problems))


class AnsibleXksModule(AnsibleAWSModule):
    """AnsibleAWSModule built on XksAnsibleModule, that names kms.xks in the botocore User-Agent."""

    def __init__(self, **kwargs):
        # module_class is amazon.aws's own setting for this, but 10.1 builds its AnsibleModule from the class-level
        # default_settings and ignores the argument. No public route exists, so the class-level value is swapped for the
        # construction only (and restored even if it fails); the argument is passed too, for a release that honours it.
        settings = AnsibleAWSModule.default_settings
        original = settings["module_class"]
        settings["module_class"] = XksAnsibleModule
        try:
            super().__init__(module_class=XksAnsibleModule, **kwargs)
        finally:
            settings["module_class"] = original
        set_collection_info(collection_name=COLLECTION_NAME, collection_version=COLLECTION_VERSION)

    def warn(self, *args, **kwargs):
        # AnsibleModule.warn puts every warning in the result, on every ansible-core. amazon.aws 10.1 also records them
        # to pass them to exit_json again on ansible-core 2.19, which then prints a deprecation warning on every run that
        # warns: warning through the AnsibleModule only (a public method) leaves amazon.aws nothing to pass again.
        self._module.warn(*args, **kwargs)

    def client(self, service, retry_decorator=None, **extra_params):
        """A boto3 client; for KMS, botocore's own retries are off: kms_retry() is the one layer (aws_config still wins)."""
        if service == "kms" and Config is not None:
            extra_params.setdefault("config", Config(retries=dict(KMS_RETRIES)))
        return super().client(service, retry_decorator=retry_decorator, **extra_params)

    def add_secret(self, value):
        """Mask a secret that did not come from a no_log option (e.g. read from a file) in every output."""
        if value:
            self._module.no_log_values.add(value)
