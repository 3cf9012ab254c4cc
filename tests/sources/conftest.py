"""Fixtures for the sources tests: the local fixture server, store copies, and a
guard that refuses any network connection outside this machine."""

from __future__ import annotations

import hashlib
import ipaddress
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from casefiles.store import Store
from tests.sources.server import FixtureServer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection to an address that is not loopback fails the test; fetching
    from this machine is allowed (the fixture server is on 127.0.0.1)."""
    monkeypatch.setenv("CASEFILES_ALLOW_PRIVATE", "1")
    for proxy in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(proxy, raising=False)  # the fixture server is reached directly
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> Any:
        if isinstance(address, tuple):
            host = address[0]
            try:
                ok = ipaddress.ip_address(host).is_loopback
            except ValueError:
                ok = host == "localhost"
            if not ok:
                raise AssertionError(f"test tried to reach {address!r} outside this machine")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture(scope="session")
def server() -> Iterator[FixtureServer]:
    srv = FixtureServer().start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def bundled(tmp_path: Path) -> Path:
    """A temporary copy of the bundled store and its article folder."""
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder)
    return folder / "casefiles.json"


@pytest.fixture
def empty_store(tmp_path: Path) -> Path:
    """A new empty store in its own folder."""
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "casefiles.json"
    Store.create_empty(path)
    return path


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (lock files aside) with its SHA-256."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }
