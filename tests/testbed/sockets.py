# -*- coding: utf-8 -*-
"""The test bed's sockets: chosen and bound by the launcher, inherited by the services.

Binding in the launcher and handing the socket to the child leaves no window in which another
test bed could take a port or an address between choosing it and using it.

- TCP services (the emulator, the proxy admin API): a listening socket on a given port, or on a
  free one (port 0); the child serves it as it is.
- Proxy instances: KMS always dials port 443 (an XKS endpoint carries no port), so each instance
  needs a loopback address of its own. The launcher *claims* ADDRESS:443 with a socket bound without
  SO_REUSEADDR, which fails while anything else holds that address and port (a listener, another
  test bed's claim, connections in TIME_WAIT). Then it sets SO_REUSEADDR on the claim and never
  listens on it: the proxy, which keeps the claim for its whole life, can open and close its
  listener there (the `down` fault) while no other test bed can take the address. A claim with no
  listener refuses connections, which makes it an unreachable endpoint too.
"""

import errno
import ipaddress
import socket

BACKLOG = 128


class AddressInUse(OSError):
    """The port or address is taken (by another test bed, or anything else)."""


def listening_socket(host, port):
    """A TCP socket listening on host:port (port 0: a free port); the caller reads the port from it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        # A fixed port a test bed just left may still have connections in TIME_WAIT; a live
        # listener still makes the bind fail.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise AddressInUse(exc.errno, "%s:%d is already in use" % (host, port)) from None
        raise
    return sock


def claim(address, port):
    """Hold address:port for this test bed (see the module docstring); raises AddressInUse if taken."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((address, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise AddressInUse(exc.errno, "%s:%d is already in use" % (address, port)) from None
        raise
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    return sock


def claim_free(port, first, last, count, skip=()):
    """Claim `count` addresses between `first` and `last` (inclusive) that are free on `port`, lowest first.

    Returns [(address, socket)]; raises AddressInUse when the range has fewer free addresses.
    """
    claims = []
    current, end = ipaddress.IPv4Address(first), ipaddress.IPv4Address(last)
    try:
        while len(claims) < count and current <= end:
            if str(current) not in skip:
                try:
                    claims.append((str(current), claim(str(current), port)))
                except AddressInUse:
                    pass
            current += 1
    except BaseException:
        release(sock for _address, sock in claims)
        raise
    if len(claims) < count:
        release(sock for _address, sock in claims)
        raise AddressInUse(errno.EADDRINUSE, "fewer than %d addresses between %s and %s are free on port %d" % (count, first, last, port))
    return claims


def release(sockets):
    for sock in sockets:
        sock.close()


def inherited(fd):
    """The socket behind a descriptor the launcher passed down."""
    return socket.socket(fileno=fd)
