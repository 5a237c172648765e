"""A loopback proxy in front of a real Prefect API that answers chosen requests with 503.

As SQLite's "database is locked" reaches clients: a 503 from the API. Every
other request goes through, websockets (Prefect's events) included: an
upgraded connection becomes a plain byte pipe. One request per connection
(`Connection: close` both ways), which Prefect's httpx client handles as it
would a server that closes idle connections. A 503 the real API gives (SQLite
busy on a loaded machine) is retried here, so tests that turn the client's
own retries off fail only where they chose to.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from urllib.parse import urlsplit

UPSTREAM_TIMEOUT_S = 60.0
UPSTREAM_BUSY_RETRIES = 20
UPSTREAM_BUSY_PAUSE_S = 0.25
_503 = (
    b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n"
    b'content-length: 45\r\nconnection: close\r\n\r\n{"exception_message": "Service Unavailable"}'
)


class APIFaultProxy:
    """`url` stands for the API at `upstream`; `refuse(method, path)` picks the requests to fail."""

    def __init__(self, upstream: str, refuse: Callable[[str, str], bool]) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.prefix = parts.path.rstrip("/")
        self.refuse = refuse
        self.refused: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}{self.prefix}"

    def close(self) -> None:
        self._closed.set()
        self._listener.close()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with client:
            head, body = _read_request(client)
            if head is None:
                return
            method, path = head.split(b" ", 2)[:2]
            request = (method.decode(), urlsplit(path.decode()).path)
            with self._lock:
                refused = self.refuse(*request)
                if refused:
                    self.refused.append(request)
            if refused:
                client.sendall(_503)
                return
            if b"\r\nupgrade:" in head.lower():
                self._tunnel(client, head + body)
            else:
                client.sendall(self._forward(_closing(head) + body))

    def _tunnel(self, client: socket.socket, request: bytes) -> None:
        """An upgraded connection (a websocket): a plain byte pipe both ways."""
        with socket.create_connection(self.upstream, timeout=UPSTREAM_TIMEOUT_S) as upstream:
            upstream.sendall(request)
            upstream.settimeout(None)
            threading.Thread(target=_pipe, args=(client, upstream), daemon=True).start()
            _pipe(upstream, client)

    def _forward(self, request: bytes) -> bytes:
        """The upstream's whole answer; its own 503s (SQLite busy under load) are sent again, so
        the only 503s a client sees are the ones `refuse` chose, whatever the machine's load."""
        for _ in range(UPSTREAM_BUSY_RETRIES):
            with socket.create_connection(self.upstream, timeout=UPSTREAM_TIMEOUT_S) as upstream:
                upstream.sendall(request)
                answer = _read_all(upstream)
            if not answer.startswith(b"HTTP/1.1 503"):
                return answer
            time.sleep(UPSTREAM_BUSY_PAUSE_S)
        return answer


def _read_request(client: socket.socket) -> tuple[bytes | None, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = client.recv(65536)
        if not chunk:
            return None, b""
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = client.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n", body


def _closing(head: bytes) -> bytes:
    lines = [
        line
        for line in head.rstrip(b"\r\n").split(b"\r\n")
        if not line.lower().startswith(b"connection:")
    ]
    return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n"


def _read_all(source: socket.socket) -> bytes:
    """Everything until the upstream closes (every forwarded request says Connection: close)."""
    chunks = []
    while chunk := source.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    """Copy until either side closes."""
    with suppress(OSError):
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    for side in (source, sink):
        with suppress(OSError):
            side.shutdown(socket.SHUT_RDWR)
