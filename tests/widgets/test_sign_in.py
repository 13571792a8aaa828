"""Signing in to a platform server: a wrong password is explained and asked again."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import qasync
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from platform_api.embedded import EmbeddedPlatform
from widgets.sign_in import Offline, SignInDialog, sign_in


@contextmanager
def _answering(attempts: list[tuple[str, str]], errors_seen: list[str]) -> Iterator[None]:
    """Type each (user, password) into the modal dialog as it appears, then accept it.

    When the attempts run out the dialog is cancelled; polling ends with the block.
    """
    alive = [True]

    def step() -> None:
        if not alive[0]:
            return
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SignInDialog) or not dialog.isVisible():
            QTimer.singleShot(20, step)
            return
        errors_seen.append(dialog.error.text())
        if not attempts:
            dialog.reject()
            return
        user, password = attempts.pop(0)
        dialog.user.setText(user)
        dialog.password.setText(password)
        dialog.accept()
        QTimer.singleShot(20, step)

    QTimer.singleShot(20, step)
    try:
        yield
    finally:
        alive[0] = False


def test_a_wrong_password_is_explained_then_the_right_one_signs_in_with_the_platform_role(
    aloop: qasync.QEventLoop, platform: EmbeddedPlatform
) -> None:
    errors: list[str] = []
    with _answering([("supervisor", "wrong"), ("supervisor", "demo")], errors):
        signed = sign_in(aloop, platform.url, None)
    assert signed is not None
    client, username, role = signed
    assert (username, role) == ("supervisor", "supervisor")
    assert client.token
    assert errors[0] == ""
    assert "password" in errors[1].lower()
    aloop.run_until_complete(client.aclose())


def test_cancelling_the_sign_in_starts_nothing(
    aloop: qasync.QEventLoop, platform: EmbeddedPlatform
) -> None:
    errors: list[str] = []
    with _answering([], errors):
        assert sign_in(aloop, platform.url, "calltaker") is None


def test_an_unreachable_platform_is_said_plainly(aloop: qasync.QEventLoop) -> None:
    errors: list[str] = []
    with _answering([("calltaker", "demo")], errors):
        assert sign_in(aloop, "http://127.0.0.1:9", None) is None
    assert "cannot reach the platform" in errors[1]


def test_with_the_platform_down_the_dialog_offers_the_last_known_state(
    aloop: qasync.QEventLoop,
) -> None:
    seen: list[bool] = []

    def step() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SignInDialog) or not dialog.isVisible():
            QTimer.singleShot(20, step)
            return
        if not dialog.error.text():
            seen.append(dialog.offline.isVisible())  # not offered before it is needed
            dialog.user.setText("calltaker")
            dialog.password.setText("demo")
            dialog.accept()
            QTimer.singleShot(20, step)
            return
        seen.append(dialog.offline.isVisible())
        dialog.offline.click()

    QTimer.singleShot(20, step)
    # Port 9 (discard): nothing listens, as with a platform that is down.
    answer = sign_in(aloop, "http://127.0.0.1:9", None, lambda user: user == "calltaker")
    assert seen == [False, True]
    assert answer == Offline("calltaker", "demo")
