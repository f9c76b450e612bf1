"""A real `cloister dev` for the end-to-end tests: started from ``$CLOISTER_BIN`` (the
`cloister` executable, with `cloister-enclave` beside it) in a fresh temporary data
directory, on a free loopback port, with its log in ``dev.log`` beside the data
directory. :func:`running_dev_node` skips the calling test, saying so, when
``CLOISTER_BIN`` is not set."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pytest

BINARY_ENV = "CLOISTER_BIN"

#: How long the dev node may take to serve a transaction key (its enclave joins and
#: makes the first key generation in blocks 1 to 4).
START_TIMEOUT = 90.0

#: How long the head may stand still, with no transaction key yet, before the start is
#: called stalled (each bootstrap block comes within milliseconds of the one before).
STALL_TIMEOUT = 20.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def rpc_call(url: str, method: str, params: list[Any], *, timeout: float = 5) -> Any:
    """The node's whole JSON-RPC reply object (``result`` or ``error``)."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as reply:
        return json.load(reply)


class DevNode:
    """One `cloister dev` process. ``data`` is its data directory and ``log`` the file
    that receives its standard output and error."""

    def __init__(self, binary: str, directory: Path, extra_args: Sequence[str] = ()) -> None:
        self.directory = directory
        self.data = directory / "data"
        self.log = directory / "dev.log"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log_file: IO[str] = open(self.log, "w")
        self.process = subprocess.Popen(
            [binary, "dev", "--datadir", str(self.data), "--http-port", str(self.port), *extra_args],
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        """Returns once ``conf_getTxKey`` answers with a key. AssertionError when the
        process exits, when no key comes within ``timeout`` seconds, or, sooner, when the
        head stops moving for ``STALL_TIMEOUT`` seconds without a key: the bootstrap
        then waits for a block that nothing will ask for, and the message says so."""
        deadline = time.time() + timeout
        head, moved_at = -1, time.time()
        while time.time() < deadline:
            try:
                if "result" in rpc_call(self.url, "conf_getTxKey", ["latest"]):
                    return
                now = int(rpc_call(self.url, "eth_blockNumber", [])["result"], 16)
                if now != head:
                    head, moved_at = now, time.time()
                elif time.time() - moved_at > STALL_TIMEOUT:
                    raise AssertionError(
                        f"cloister dev's enclave bootstrap stalled: no transaction key and no block after block "
                        f"{head} for {STALL_TIMEOUT:.0f} s (the next block it needs was never sealed): see {self.log}"
                    )
            except OSError:
                pass
            if self.process.poll() is not None:
                raise AssertionError(f"cloister dev exited with {self.process.returncode}: see {self.log}")
            time.sleep(0.5)
        raise AssertionError(f"no transaction key within {timeout:.0f} s: see {self.log}")

    def stop(self) -> None:
        """Stops the node (SIGTERM: it shuts down cleanly and saves its pool), then closes
        the log. Safe to call more than once."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        if not self._log_file.closed:
            self._log_file.close()


@contextmanager
def running_dev_node(prefix: str = "cloister-client-dev-", extra_args: Sequence[str] = ()) -> Iterator[DevNode]:
    """A started `cloister dev` whose enclave serves a transaction key, stopped on exit.
    Skips the test when ``$CLOISTER_BIN`` is not an executable."""
    binary = os.environ.get(BINARY_ENV, "")
    if not binary or not os.access(binary, os.X_OK):
        pytest.skip(f"{BINARY_ENV} is not set to a cloister executable: the end-to-end client tests need `cloister dev`")
    node = DevNode(binary, Path(tempfile.mkdtemp(prefix=prefix)), extra_args)
    try:
        node.wait_ready()
        yield node
    finally:
        node.stop()
