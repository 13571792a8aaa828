"""Given a certificate, the platform speaks only HTTPS."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path

import httpx
import pytest

from platform_api.embedded import EmbeddedPlatform
from platform_api.settings import Settings


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_the_platform_serves_https_with_a_certificate(tmp_path: Path, db_url: str) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    settings = Settings(db_url=db_url, demo_users=True)
    with EmbeddedPlatform(settings, ssl_certfile=str(cert), ssl_keyfile=str(key)) as platform:
        assert platform.url.startswith("https://")
        trust = ssl.create_default_context(cafile=str(cert))
        token = platform.login("dispatcher", verify=trust)
        state = httpx.get(
            f"{platform.url}/v1/state", verify=trust, headers={"Authorization": f"Bearer {token}"}
        )
        assert state.status_code == 200
        with pytest.raises(httpx.HTTPError):
            httpx.get(platform.url.replace("https", "http") + "/healthz", timeout=5)
