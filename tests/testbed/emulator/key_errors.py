# -*- coding: utf-8 -*-
"""KMS errors of KMS keys in an external key store (CreateKey and the crypto operations), as moto JSON errors.

Kept apart from errors.py (the custom-key-store errors); both share KmsError, so the wire shape is the same.
"""

from .errors import KmsError


class XksKeyNotFoundException(KmsError):
    pass


class XksKeyInvalidConfigurationException(KmsError):
    pass


# Named by the spec and the developer guide for CreateKey when the proxy answers UnsupportedOperationException;
# botocore has no shape for it, so clients see a generic ClientError with this code.
class XksKeyInvalidResponseException(KmsError):
    pass


class KMSInvalidStateException(KmsError):
    pass


class DisabledException(KmsError):
    pass


class InvalidCiphertextException(KmsError):
    pass


class IncorrectKeyException(KmsError):
    pass


# Over the custom key store request quota (1,800/s per store); the same answer as the other quotas.
class ThrottlingException(KmsError):
    pass
