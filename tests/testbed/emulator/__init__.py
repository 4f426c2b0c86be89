# -*- coding: utf-8 -*-
"""A KMS emulator: moto's server plus the six custom-key-store actions for EXTERNAL_KEY_STORE."""
