"""Loopback-only network guard.

conftest.py installs it in the test process and puts this folder on PYTHONPATH, so every
Python child a test starts (`nianbao crawl` in a subprocess, say) loads it as
`sitecustomize` and is guarded too. A connection outside 127.0.0.0/8 or ::1 raises.
"""
from __future__ import annotations

import ipaddress
import os
import socket

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def is_loopback(address) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX paths and the like
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a name: every address it resolves to must be loopback
        infos = socket.getaddrinfo(host, None)
        return all(ipaddress.ip_address(i[4][0]).is_loopback for i in infos)


def _guarded(real):
    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address):
            raise ConnectionRefusedError(f"network guard: non-loopback connection to {address!r}")
        return real(self, address)

    return connect


def install() -> None:
    socket.socket.connect = _guarded(_real_connect)
    socket.socket.connect_ex = _guarded(_real_connect_ex)


def uninstall() -> None:
    socket.socket.connect = _real_connect
    socket.socket.connect_ex = _real_connect_ex


if os.environ.get("NIANBAO_NETGUARD") == "1":
    install()
