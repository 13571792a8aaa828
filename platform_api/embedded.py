"""Run the platform in-process: uvicorn on a background thread, 127.0.0.1, a free port.

The console starts one of these when it is given no platform URL, and the tests use the
same class as their "real platform on loopback" fixture (after httpx's `serve_in_thread`).
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from types import TracebackType

import httpx
import uvicorn

from platform_api.anchor import checkpoint_head
from platform_api.app import create_app
from platform_api.auth import DEMO_PASSWORD
from platform_api.settings import Settings


@dataclass
class EmbeddedPlatform:
    """A running platform. Use as a context manager, or call `stop()`."""

    settings: Settings
    host: str = "127.0.0.1"
    port: int = 0
    ssl_certfile: str | None = None  # serve HTTPS when given a certificate and its key
    ssl_keyfile: str | None = None
    url: str = ""
    _server: uvicorn.Server | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)
    _sock: socket.socket | None = field(default=None, repr=False)

    def start(self, timeout_s: float = 30.0) -> EmbeddedPlatform:
        app = create_app(self.settings)
        self._app = app
        # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY only on sockets that say they
        # are TCP, and without it every keep-alive response waits ~40 ms for a delayed ACK.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self._sock = sock
        self.port = sock.getsockname()[1]
        scheme = "https" if self.ssl_certfile else "http"
        self.url = f"{scheme}://{self.host}:{self.port}"
        config = uvicorn.Config(
            app,
            log_level="warning",
            timeout_graceful_shutdown=3,
            lifespan="off",
            access_log=False,  # the app writes its own (platform_api.logs), when asked
            log_config=None,  # uvicorn's loggers go through the process's logging set-up
            ssl_certfile=self.ssl_certfile,
            ssl_keyfile=self.ssl_keyfile,
        )
        server = uvicorn.Server(config)
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name=f"platform:{self.port}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the embedded platform did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """End every event stream, then the server; returns when the thread has ended."""
        if self._server is None:
            return
        if self._app.state.relay is not None:
            self._app.state.relay.stop()
        self._app.state.broadcaster.close()
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._sock is not None:
            self._sock.close()
        self._app.state.log_writer.close()  # its writer thread, after the last command
        if self._app.state.checkpointer is not None:  # sign the head: nothing unanchored
            checkpoint_head(self._app.state.checkpointer, self._app.state.engine)
        self._app.state.engine.dispose()
        self._server = None

    def login(
        self, username: str, password: str = DEMO_PASSWORD, *, verify: ssl.SSLContext | bool = True
    ) -> str:
        """A bearer token for the given user (demo users have the password "demo")."""
        response = httpx.post(
            f"{self.url}/v1/auth/login",
            json={"username": username, "password": password},
            verify=verify,
        )
        response.raise_for_status()
        token: str = response.json()["token"]
        return token

    def __enter__(self) -> EmbeddedPlatform:
        return self.start() if self._server is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
