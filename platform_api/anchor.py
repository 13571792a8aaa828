"""The hash chain anchored outside the database: signed checkpoints of the log's head.

The chain makes the log tamper-evident only against someone who cannot recompute it; whoever
can write the database can edit a row and rewrite every hash after it. So the platform signs
checkpoints of its head, `(seq, hash, at)`, with an Ed25519 key kept in a file outside the
database, every `checkpoint_every` events or `checkpoint_s` seconds (whichever comes first,
checked as events are written) and when the platform stops, and appends them as JSON lines
to a file outside the database, opened append-only. `verify` checks each line's signature
with the public key and that the log's event at that seq still has that hash: a rewritten
chain no longer matches the checkpoints taken before the rewrite, and forging new ones needs
the private key.

Keep the key where the database's administrators cannot read it, and the checkpoint file
where they cannot rewrite it (another host, a WORM bucket, a syslog); the public key
(`<key>.pub`, written beside the key) is all a verifier needs.

Line format: `{"seq": N, "hash": "...", "at": "2026-...Z", "sig": "<base64>"}`, the
signature over the UTF-8 bytes of `f"{seq}\\n{hash}\\n{at}"`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from platform_api.contract.chain import PAYLOAD_KEY
from platform_api.db.models import LogHead
from platform_api.eventlog import utc_now


def wire_hash(wire: str) -> str:
    """The `hash` of an event in its wire form, read from the header before the payload."""
    head = wire[: wire.index(PAYLOAD_KEY)] + "}"
    value: str = json.loads(head)["hash"]
    return value


def _message(seq: int, hash_: str, at: str) -> bytes:
    return f"{seq}\n{hash_}\n{at}".encode()


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """The signing key at `path` (PEM), made on first use with mode 0600, plus `<path>.pub`."""
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} does not hold an Ed25519 private key")
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    public_path(path).write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return key


def public_path(key_path: Path) -> Path:
    return key_path.with_name(key_path.name + ".pub")


def load_public_key(path: Path) -> Ed25519PublicKey:
    """A public key from a `.pub` file, or derived from a private key file."""
    data = path.read_bytes()
    if b"PRIVATE KEY" in data:
        private = serialization.load_pem_private_key(data, password=None)
        if not isinstance(private, Ed25519PrivateKey):
            raise ValueError(f"{path} does not hold an Ed25519 key")
        return private.public_key()
    public = serialization.load_pem_public_key(data)
    if not isinstance(public, Ed25519PublicKey):
        raise ValueError(f"{path} does not hold an Ed25519 public key")
    return public


class Checkpointer:
    """Signs the head every N events or T seconds; called after each commit (thread-safe)."""

    def __init__(
        self,
        key_path: Path,
        log_path: Path,
        every_events: int,
        every_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._key = load_or_create_key(key_path)
        self._path = log_path
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._every_events = every_events
        self._every_s = every_s
        self._clock = clock
        self._lock = threading.Lock()
        self._last_seq = _last_checkpointed_seq(log_path)
        self._last_time = clock()

    def written(self, seq: int, hash_: str) -> None:
        """The log's head is now (seq, hash): checkpoint it if one is due."""
        with self._lock:
            due = seq - self._last_seq >= self._every_events or (
                seq > self._last_seq and self._clock() - self._last_time >= self._every_s
            )
            if due:
                self._append(seq, hash_)

    def checkpoint(self, seq: int, hash_: str) -> None:
        """Checkpoint now (e.g. at shutdown), unless this head is checkpointed already."""
        with self._lock:
            if seq > self._last_seq:
                self._append(seq, hash_)

    def _append(self, seq: int, hash_: str) -> None:
        at = utc_now().isoformat().replace("+00:00", "Z")
        sig = base64.b64encode(self._key.sign(_message(seq, hash_, at))).decode()
        line = json.dumps({"seq": seq, "hash": hash_, "at": at, "sig": sig}) + "\n"
        fd = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        self._last_seq = seq
        self._last_time = self._clock()


def _last_checkpointed_seq(path: Path) -> int:
    if not path.exists():
        return 0
    last = 0
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            try:
                last = max(last, int(json.loads(line)["seq"]))
            except (ValueError, KeyError, TypeError):
                continue
    return last


@dataclass(frozen=True)
class CheckpointReport:
    checked: int
    problems: list[str]


def check(
    path: Path, public_key: Ed25519PublicKey, hash_at: Callable[[int], str | None]
) -> CheckpointReport:
    """Check every checkpoint's signature, and the log's hash at its seq (`hash_at`)."""
    problems: list[str] = []
    checked = 0
    previous = 0
    if not path.exists():
        return CheckpointReport(0, [f"no checkpoint file at {path}"])
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            try:
                entry = json.loads(line)
                seq, hash_, at = int(entry["seq"]), str(entry["hash"]), str(entry["at"])
                sig = base64.b64decode(entry["sig"], validate=True)
            except (ValueError, KeyError, TypeError):
                problems.append(f"checkpoint line {number} is unreadable")
                continue
            try:
                public_key.verify(sig, _message(seq, hash_, at))
            except InvalidSignature:
                problems.append(f"checkpoint line {number} (seq {seq}) has a bad signature")
                continue
            if seq < previous:
                problems.append(f"checkpoint line {number} goes back to seq {seq}")
            previous = seq
            actual = hash_at(seq)
            if actual is None:
                problems.append(f"seq {seq} was checkpointed at {at} but is not in the log")
            elif actual != hash_:
                problems.append(
                    f"seq {seq}: the log's hash differs from the one signed at {at} "
                    "(the chain was rewritten)"
                )
            checked += 1
    return CheckpointReport(checked, problems)


def default_paths(data_dir: Path, db_url: str) -> tuple[Path, Path]:
    """Where `serve` keeps the key and the checkpoints unless told: beside the user's data,
    one checkpoint file per database (named by a digest of its URL)."""
    digest = hashlib.sha256(db_url.encode()).hexdigest()[:12]
    return data_dir / "anchor-key.pem", data_dir / f"checkpoints-{digest}.jsonl"


def checkpoint_head(checkpointer: Checkpointer, engine: Engine) -> None:
    """Sign the log's head now (at shutdown), so no event is left unanchored."""
    with Session(engine) as session:
        head = session.get(LogHead, 1)
        if head is not None and head.seq > 0:
            checkpointer.checkpoint(head.seq, head.hash)
