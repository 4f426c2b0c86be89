# -*- coding: utf-8 -*-
"""KMS errors the emulator raises, as moto JSON errors (`__type` + `message`).

KMS answers 400 for every listed error except KMSInternalException (500) (API reference).
"""

from moto.core.exceptions import JsonRESTError


INTERNAL_ERROR_MESSAGE = "The request was rejected because an internal exception occurred. The request can be retried."


class KmsError(JsonRESTError):
    code = 400

    def __init__(self, message=""):
        super().__init__(type(self).__name__, message)


class KMSInternalException(KmsError):
    code = 500


class ValidationException(KmsError):
    pass


class UnsupportedOperationException(KmsError):
    pass


class LimitExceededException(KmsError):
    pass


class InvalidMarkerException(KmsError):
    pass


class CustomKeyStoreNotFoundException(KmsError):
    pass


class CustomKeyStoreNameInUseException(KmsError):
    pass


class CustomKeyStoreInvalidStateException(KmsError):
    pass


class CustomKeyStoreHasCMKsException(KmsError):
    pass


class XksProxyUriInUseException(KmsError):
    pass


class XksProxyUriEndpointInUseException(KmsError):
    pass


class XksProxyVpcEndpointServiceInUseException(KmsError):
    pass


class XksProxyVpcEndpointServiceNotFoundException(KmsError):
    pass


class XksProxyVpcEndpointServiceInvalidConfigurationException(KmsError):
    pass


class XksProxyUriUnreachableException(KmsError):
    pass


class XksProxyIncorrectAuthenticationCredentialException(KmsError):
    pass


class XksProxyInvalidResponseException(KmsError):
    pass


class XksProxyInvalidConfigurationException(KmsError):
    pass


class XksKeyAlreadyInUseException(KmsError):
    pass


def error_class(name):
    """The class of a KMS error by its name."""
    cls = globals().get(name)
    if not (isinstance(cls, type) and issubclass(cls, KmsError)):
        raise KeyError(name)
    return cls
