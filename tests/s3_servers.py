"""Real servers for the storage tests: moto's S3 in server mode, and a proxy that injects faults.

Everything listens on 127.0.0.1 only. The proxy speaks plain HTTP/1.1 to
aiobotocore on one side and forwards to moto on the other, so faults are real
503s, dropped connections and stalled requests, not patched functions.
"""

from __future__ import annotations

import http.client
import http.server
import itertools
import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from moto.server import ThreadedMotoServer

UPSTREAM_TIMEOUT_S = 10.0
HOLD_LIMIT_S = 60.0
_HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "server", "date"}
_INJECTED_503 = (
    b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>ServiceUnavailable</Code>"
    b"<Message>fault injected by the test proxy</Message></Error>"
)

RequestFilter = Callable[[str, str], bool]


def start_moto() -> tuple[ThreadedMotoServer, str]:
    """A moto S3 server on a free loopback port, and its endpoint URL."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


def closed_port() -> int:
    """A loopback port nothing listens on: bound, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Exchange:
    """One request as the proxy saw it: whether it reached moto, and the status the client got."""

    number: int
    method: str
    path: str
    forwarded: bool
    status: int | None


class FaultProxy:
    """A loopback HTTP proxy in front of moto that can fail, drop or hold requests.

    fail_every=N answers every Nth request with 503 without forwarding it;
    drop_every=N forwards every Nth request and closes the connection instead of
    answering (the write happened, the client cannot know). Those periodic faults
    hit only `faulty_methods` and each (method, path) at most once, so a task meets
    at most as many faults as it makes distinct requests (HEAD and PUT of its key)
    and its retries are enough: the test then checks what the retries did.
    refuse(method, path) answers matching requests with 503 forever;
    hold(method, path) keeps matching requests waiting, unforwarded, until release().
    """

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.fail_every: int | None = None
        self.drop_every: int | None = None
        self.refuse: RequestFilter | None = None
        self.hold: RequestFilter | None = None
        self.faulty_methods = {"HEAD", "PUT"}
        self._faulted: set[tuple[str, str]] = set()
        self.exchanges: list[Exchange] = []
        self.held = 0
        self.authorizations: set[str] = set()
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def release(self) -> None:
        self._released.set()

    def close(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()

    def stored_keys(self, since: int = 0) -> list[str]:
        """Object keys (bucket/key) that moto accepted a PUT for, one entry per accepted PUT."""
        with self._lock:
            return [
                e.path.lstrip("/")
                for e in self.exchanges[since:]
                if e.method == "PUT" and e.forwarded and e.status == 200
            ]

    def injected(self, kind: str) -> list[Exchange]:
        """The exchanges that met a fault: "fail" (503, not forwarded) or "drop" (answer lost)."""
        with self._lock:
            if kind == "fail":
                return [e for e in self.exchanges if not e.forwarded]
            return [e for e in self.exchanges if e.forwarded and e.status is None]

    def _count_held(self, change: int) -> None:
        with self._lock:
            self.held += change

    def _record(self, exchange: Exchange) -> None:
        with self._lock:
            self.exchanges.append(exchange)

    def _decide(self, method: str, path: str) -> tuple[int, str]:
        with self._lock:
            number = next(self._numbers)
            if self.hold and self.hold(method, path):
                return number, "hold"
            if self.refuse and self.refuse(method, path):
                return number, "fail"
            return number, self._periodic_fault(number, method, path) or "forward"

    def _periodic_fault(self, number: int, method: str, path: str) -> str | None:
        if method not in self.faulty_methods or (method, path) in self._faulted:
            return None
        for action, every in (("fail", self.fail_every), ("drop", self.drop_every)):
            if every and number % every == 0:
                self._faulted.add((method, path))
                return action
        return None

    def _handler_class(self) -> type[http.server.BaseHTTPRequestHandler]:
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _proxy(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = urlsplit(self.path).path
                proxy.authorizations.add(self.headers.get("Authorization", "").split("/")[0])
                number, action = proxy._decide(self.command, path)
                if action == "hold":
                    proxy._count_held(+1)
                    proxy._released.wait(HOLD_LIMIT_S)
                    proxy._count_held(-1)
                    action = "fail"
                if action == "fail":
                    proxy._record(Exchange(number, self.command, path, False, 503))
                    self._answer(503, [("Content-Type", "application/xml")], _INJECTED_503)
                    return
                status, headers, data = self._forward(body)
                if action == "drop":
                    proxy._record(Exchange(number, self.command, path, True, None))
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                proxy._record(Exchange(number, self.command, path, True, status))
                self._answer(status, headers, data)

            def _forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
                upstream = http.client.HTTPConnection(*proxy.upstream, timeout=UPSTREAM_TIMEOUT_S)
                try:
                    upstream.request(self.command, self.path, body=body, headers=dict(self.headers))
                    response = upstream.getresponse()
                    return response.status, response.getheaders(), response.read()
                finally:
                    upstream.close()

            def _answer(self, status: int, headers: list[tuple[str, str]], data: bytes) -> None:
                try:
                    self.send_response(status)
                    declared = None
                    for name, value in headers:
                        if name.lower() == "content-length":
                            declared = value
                        elif name.lower() not in _HOP_HEADERS:
                            self.send_header(name, value)
                    head_only = self.command == "HEAD"
                    self.send_header(
                        "Content-Length", (declared or "0") if head_only else str(len(data))
                    )
                    self.end_headers()
                    if not head_only:
                        self.wfile.write(data)
                except OSError:
                    self.close_connection = True

            do_GET = do_PUT = do_HEAD = do_POST = do_DELETE = _proxy

        return Handler
