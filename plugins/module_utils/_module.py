# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The module class every kms.xks module is built on."""

from ansible_collections.amazon.aws.plugins.module_utils.common import set_collection_info
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.kms.xks.plugins.module_utils._common import COLLECTION_NAME
from ansible_collections.kms.xks.plugins.module_utils._common import COLLECTION_VERSION


class AnsibleXksModule(AnsibleAWSModule):
    """AnsibleAWSModule that names kms.xks in the botocore User-Agent."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        set_collection_info(collection_name=COLLECTION_NAME, collection_version=COLLECTION_VERSION)

    def _should_inject_warnings(self):
        # amazon.aws 10.1 passes warnings to exit_json again on ansible-core 2.19, which prints a deprecation
        # warning on every run that warns; AnsibleModule.warn already puts them in the result on every core.
        return False

    def add_secret(self, value):
        """Mask a secret that did not come from a no_log option (e.g. read from a file) in every output."""
        if value:
            self._module.no_log_values.add(value)
