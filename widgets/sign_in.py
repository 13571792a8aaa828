"""Sign-in to a platform server: user and password; the role comes from the platform.

When the platform cannot be reached and this user has a last known state on this machine,
the dialog offers to open it (read-only; the console signs in when the platform answers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from console.client import PlatformClient
from console.errors import PlatformError, Unreachable

OFFLINE = 2  # the dialog's result: open the last known state


@dataclass(frozen=True)
class Offline:
    """Open the last known state for this user and sign in when the platform returns."""

    username: str
    password: str


class SignInDialog(QDialog):
    def __init__(self, url: str, user: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign in to the control room")
        self.user = QLineEdit(user or "")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #e5484d")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.offline = QPushButton("Open the last known state (read-only)")
        self.offline.setToolTip("Signs in by itself when the platform answers")
        buttons.addButton(self.offline, QDialogButtonBox.ButtonRole.ActionRole)
        self.offline.hide()  # after addButton, which shows it
        self.offline.clicked.connect(lambda: self.done(OFFLINE))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Platform", QLabel(url))
        form.addRow("User", self.user)
        form.addRow("Password", self.password)
        form.addRow(self.error)
        form.addRow(buttons)
        (self.password if user else self.user).setFocus()


def sign_in(
    loop: Any, url: str, user: str | None, kept: Callable[[str], bool] = lambda _user: False
) -> tuple[PlatformClient, str, str] | Offline | None:
    """Ask until the platform accepts, or the operator cancels (None), or opens the last
    known state (`Offline`, offered when `kept(user)` says there is one)."""
    client = PlatformClient(url)
    dialog = SignInDialog(url, user)
    while (result := dialog.exec()) != QDialog.DialogCode.Rejected:
        name, password = dialog.user.text().strip(), dialog.password.text()
        if result == OFFLINE:
            loop.run_until_complete(client.aclose())
            return Offline(name, password)
        try:
            token = loop.run_until_complete(client.login(name, password))
        except PlatformError as exc:
            dialog.error.setText(str(exc))
            if isinstance(exc, Unreachable) and kept(name):
                dialog.offline.show()
            else:
                dialog.password.clear()
            continue
        return client, token.user.username, token.user.role.value
    loop.run_until_complete(client.aclose())
    return None
