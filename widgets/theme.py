"""Day and night themes. Night is dim and low-glare for a dark control room at 3 a.m."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

THEMES = ("day", "night")

_COLOURS = {
    "day": {
        "window": "#f4f5f7",
        "base": "#ffffff",
        "alt": "#eef0f3",
        "text": "#1b1d21",
        "button": "#e6e8eb",
        "highlight": "#2f6fde",
        "highlighted_text": "#ffffff",
        "mid": "#c4c8cf",
        "disabled": "#8b8d98",
    },
    "night": {
        "window": "#15171b",
        "base": "#1b1e23",
        "alt": "#20242a",
        "text": "#d6d9de",
        "button": "#262a31",
        "highlight": "#3a5b94",
        "highlighted_text": "#ffffff",
        "mid": "#3a3f47",
        "disabled": "#6b707a",
    },
}


def apply_theme(app: QApplication, name: str) -> None:
    c = _COLOURS[name]
    palette = QPalette()
    role = QPalette.ColorRole
    palette.setColor(role.Window, QColor(c["window"]))
    palette.setColor(role.WindowText, QColor(c["text"]))
    palette.setColor(role.Base, QColor(c["base"]))
    palette.setColor(role.AlternateBase, QColor(c["alt"]))
    palette.setColor(role.Text, QColor(c["text"]))
    palette.setColor(role.Button, QColor(c["button"]))
    palette.setColor(role.ButtonText, QColor(c["text"]))
    palette.setColor(role.Highlight, QColor(c["highlight"]))
    palette.setColor(role.HighlightedText, QColor(c["highlighted_text"]))
    palette.setColor(role.ToolTipBase, QColor(c["base"]))
    palette.setColor(role.ToolTipText, QColor(c["text"]))
    palette.setColor(role.PlaceholderText, QColor(c["disabled"]))
    palette.setColor(role.Mid, QColor(c["mid"]))
    palette.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor(c["disabled"]))
    palette.setColor(QPalette.ColorGroup.Disabled, role.WindowText, QColor(c["disabled"]))
    # A disabled button must look it: in replay, no command may seem to be on offer.
    palette.setColor(QPalette.ColorGroup.Disabled, role.ButtonText, QColor(c["disabled"]))
    app.setStyle("Fusion")
    app.setPalette(palette)
    app.setStyleSheet(
        f"QDockWidget::title {{ background: {c['button']}; padding: 4px; font-weight: bold; }}"
        f"QHeaderView::section {{ background: {c['button']}; color: {c['text']};"
        f" padding: 3px; border: 0; border-right: 1px solid {c['mid']}; }}"
        f"QStatusBar QLabel {{ padding: 0 8px; }}"
    )
