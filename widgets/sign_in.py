"""Sign-in to a platform server: user and password; the role comes from the platform."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from console.client import PlatformClient
from console.errors import PlatformError


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
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Platform", QLabel(url))
        form.addRow("User", self.user)
        form.addRow("Password", self.password)
        form.addRow(self.error)
        form.addRow(buttons)
        (self.password if user else self.user).setFocus()


def sign_in(loop: Any, url: str, user: str | None) -> tuple[PlatformClient, str, str] | None:
    """Ask until the platform accepts, or the operator cancels (None)."""
    client = PlatformClient(url)
    dialog = SignInDialog(url, user)
    while dialog.exec() == QDialog.DialogCode.Accepted:
        try:
            token = loop.run_until_complete(
                client.login(dialog.user.text().strip(), dialog.password.text())
            )
        except PlatformError as exc:
            dialog.error.setText(str(exc))
            dialog.password.clear()
            continue
        return client, token.user.username, token.user.role.value
    loop.run_until_complete(client.aclose())
    return None
