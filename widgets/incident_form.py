"""The incident form: what the call-taker records while the caller is on the line.

Opened from an answered call (or empty, for a walk-in or an officer's report). Built for the
keyboard: Tab moves field to field, Ctrl+Enter creates, Ctrl+L links the call to the
selected possible duplicate instead. Every keystroke is kept as a draft, so closing the form
by mistake or losing the platform loses nothing.

Signals:
    finished(message): the incident was handed to the outbox, or the call linked.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from console import grades
from console.classifications import Classifications
from console.drafts import WALK_IN, Drafts, IncidentDraft
from console.duplicates import DEFAULT_RADIUS_M, DEFAULT_WINDOW_MIN, find_duplicates
from console.store import Change, Store
from platform_api.contract import GRADE_TARGET_MINUTES, Grade
from widgets.keys import shortcut
from widgets.location_picker import LocationPicker
from widgets.place_warnings import HistoryFetch, PlaceWarnings

THRIVE = ("threat", "harm", "risk", "investigation", "vulnerability", "engagement")
INCIDENT_ROLE = Qt.ItemDataRole.UserRole + 1


class IncidentForm(QWidget):
    """The incident form: it checks and says what it wants (raise an incident, link the call
    to one); the call-handling coordinator (`widgets.call_links`) sends it."""

    finished = Signal(str)
    raise_requested = Signal(object, object)  # call id or None (a walk-in), IncidentCreate
    link_requested = Signal(str, object)  # call id, IncidentPublic

    def __init__(
        self,
        store: Store,
        history: HistoryFetch | None,
        drafts: Drafts,
        picker: LocationPicker,
        parent: QWidget | None = None,
        *,
        classifications: Classifications,
        radius_m: float = DEFAULT_RADIUS_M,
        window_min: float = DEFAULT_WINDOW_MIN,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._drafts = drafts
        self._classifications = classifications
        self._radius_m = radius_m
        self._window_min = window_min
        self.call_id: str | None = None
        self._loading = False

        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.classification = QLineEdit(self)
        self.classification.setPlaceholderText("What happened: knife, rtc, burglary… (Alt+C)")
        self._choices = QStringListModel(self)
        completer = QCompleter(self._choices, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.classification.setCompleter(completer)
        # The suggestions are a popup that holds the keyboard and sends every key to the
        # classification, even after Alt+G or Alt+A moved focus on: a grade letter landed in
        # the classification ("Violencei"). eventFilter sends such keys where focus is.
        self._suggestions().installEventFilter(self)
        self.classification.textEdited.connect(self._on_classification_text_edited)
        self.classification.textChanged.connect(self._on_field_changed)
        self.grade = QComboBox(self)
        self.grade.setPlaceholderText("Choose a grade (Alt+G; I, P, S or R)")
        for info in grades.GRADES:
            self.grade.addItem(info.word, info.grade.value)
        self.grade.setCurrentIndex(-1)
        self.grade.currentIndexChanged.connect(self._on_field_changed)
        self.grade.installEventFilter(self)
        self.grade.setToolTip(grades.KEYS_HELP)
        self.deadline = QLabel(self)
        self.caller_name = QLineEdit(self)
        self.caller_name.setPlaceholderText("Caller's name")
        self.caller_name.textChanged.connect(self._on_field_changed)
        self.caller_number = QLabel(self)
        self.location = picker
        picker.location_changed.connect(self._on_field_changed)
        self.thrive: dict[str, QLineEdit] = {}
        thrive_box = QGroupBox("THRIVE", self)
        grid = QFormLayout(thrive_box)
        for name in THRIVE:
            edit = QLineEdit(self)
            edit.setPlaceholderText(name.capitalize())
            edit.textChanged.connect(self._on_field_changed)
            self.thrive[name] = edit
            # A label as well as the placeholder: once typed in, a field still says what it is.
            grid.addRow(name.capitalize(), edit)
        self.narrative = QPlainTextEdit(self)
        self.narrative.setPlaceholderText("What the caller says, in their words")
        self.narrative.setTabChangesFocus(True)
        self.narrative.setMaximumHeight(90)
        self.narrative.textChanged.connect(self._on_field_changed)
        # Warning markers and the place's and caller's history (widgets/place_warnings.py).
        self.warnings = PlaceWarnings(store, history, self)
        self.duplicates = QListWidget(self)
        self.duplicates.setMaximumHeight(90)
        self.duplicates.setToolTip("Open incidents near this one; Ctrl+L links the call instead")
        self.duplicates_title = QLabel(self)
        self.errors = QLabel(self)
        self.errors.setWordWrap(True)
        self.errors.setStyleSheet("color: #e5484d; font-weight: bold")
        self.create_button = QPushButton("Create (Ctrl+Enter)", self)
        self.create_button.setToolTip("Create the incident (Ctrl+Enter)")
        self.create_button.clicked.connect(self.submit)
        self.link_button = QPushButton("Link (Ctrl+L)", self)
        self.link_button.setToolTip("Link this call to the selected possible duplicate (Ctrl+L)")
        self.link_button.clicked.connect(self.link_duplicate)
        self.discard_button = QPushButton("Discard", self)
        self.discard_button.setToolTip("Throw this draft away (Ctrl+Shift+Del)")
        self.discard_button.clicked.connect(self.discard)

        form = QFormLayout()
        form.addRow("Classification", self.classification)
        form.addRow("Grade", self.grade)
        form.addRow("", self.deadline)
        form.addRow("Caller", self.caller_number)
        form.addRow("Caller name", self.caller_name)
        form.addRow("Location", picker)
        body = QWidget(self)
        inner = QVBoxLayout(body)
        inner.addWidget(self.heading)
        inner.addLayout(form)
        inner.addWidget(self.warnings)
        inner.addWidget(thrive_box)
        inner.addWidget(QLabel("Narrative", self))
        inner.addWidget(self.narrative)
        inner.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        self.fields_scroll = scroll
        # The duplicates, the errors and Create stay pinned under the fields, never below
        # the fold (at 1280x720 they were out of sight): only the fields scroll.
        pinned = QVBoxLayout()
        pinned.setContentsMargins(4, 0, 4, 4)
        pinned.addWidget(self.duplicates_title)
        pinned.addWidget(self.duplicates)
        pinned.addWidget(self.errors)
        buttons = QHBoxLayout()
        for button in (self.create_button, self.link_button, self.discard_button):
            buttons.addWidget(button)
        pinned.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll, 1)
        outer.addLayout(pinned)
        # Tab visits every field in reading order (the picker is built by the window, so by
        # default its fields came last in the chain and Tab skipped Location).
        chain = [
            self.classification,
            self.grade,
            self.caller_name,
            picker.address,
            picker.results,
            picker.handset,
            *self.thrive.values(),
            self.narrative,
            self.duplicates,
            self.create_button,
            self.link_button,
            self.discard_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        picker.location_changed.connect(self._keep_focus_visible)

        for keys, slot in (
            ("Ctrl+Return", self.submit),
            ("Ctrl+Enter", self.submit),
            ("Ctrl+L", self.link_duplicate),
            ("Ctrl+Shift+Del", self.discard),
            ("Alt+C", self.classification.setFocus),
            ("Alt+G", self._focus_grade),
        ):
            context = Qt.ShortcutContext.WidgetWithChildrenShortcut
            shortcut(keys, self, slot, context)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(300)
        self._save_timer.timeout.connect(self.save_draft)
        self._deadline_timer = QTimer(self)
        self._deadline_timer.timeout.connect(self._show_deadline)
        self._deadline_timer.start(1000)
        store.changed.connect(self._on_store_changed)
        self.open_walk_in()

    def _keep_focus_visible(self) -> None:
        """After an address is chosen its result list hides: focus goes on to the next field
        (THRIVE), never nowhere, so the next keystroke is not lost."""
        focused = QApplication.focusWidget()
        if focused is None or not focused.isVisible():
            first = next(iter(self.thrive.values()))
            first.setFocus()
            self.fields_scroll.ensureWidgetVisible(first)

    def _suggestions(self) -> QWidget:
        popup = self.classification.completer().popup()
        assert popup is not None  # a QCompleter makes its popup on first asking
        return popup

    def _focus_grade(self) -> None:
        self._suggestions().hide()  # else they keep the keyboard: "I" went to the classification
        self.grade.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """On the grade box, one letter picks a grade at once (I, P, S, R), every time.

        QComboBox's own type-ahead joins keys typed within 400 ms into one search, so a
        fast "I" after another "I" would find nothing.
        """
        if watched is self._suggestions() and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            focused = QApplication.focusWidget()
            if focused is not None and focused is not self.classification:
                # Focus moved on (Alt+A, Alt+H...) with the suggestions still up: they would
                # send this key to the classification. Close them; the key goes where focus is.
                self._suggestions().hide()
                QApplication.sendEvent(focused, event)
                return True
        if watched is self.grade and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            grade = grades.BY_LETTER.get(event.text().casefold())
            if grade is not None and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
                self.grade.setCurrentIndex(self.grade.findData(grade.value))
                return True
        return super().eventFilter(watched, event)

    # ---------------------------------------------------------------- opening

    def open_call(self, call_id: str, keep_current: bool = True) -> None:
        """Fill the form for an answered call, restoring its draft if one was kept."""
        if keep_current:
            self.save_draft()
        call = self._store.calls.get(call_id)
        self._load(call_id, self._drafts.load(call_id))
        if call is not None:
            self.heading.setText(
                f"<b>{call.line.value} call</b> from {call.caller_number}, "
                f"received {call.received_at.astimezone():%H:%M:%S}"
            )
            self.caller_number.setText(call.caller_number)
            if not self.caller_name.text() and call.caller_name:
                self.caller_name.setText(call.caller_name)
            fix = call.handset_location
            self.location.set_handset(None if fix is None else (fix.lat, fix.lon, fix.accuracy_m))
        self.classification.setFocus()

    def focus_classification(self) -> None:
        """Where the call-taker starts typing: what happened."""
        self.classification.setFocus()

    def open_walk_in(self, keep_current: bool = True) -> None:
        if keep_current:
            self.save_draft()
        self._load(None, self._drafts.load(WALK_IN))
        self.heading.setText("<b>New incident</b> (walk-in or officer report: no call)")
        self.caller_number.setText("-")
        self.location.set_handset(None)

    def _load(self, call_id: str | None, draft: IncidentDraft | None) -> None:
        self.fields_scroll.verticalScrollBar().setValue(0)  # each form starts at its top
        self._loading = True
        self.call_id = call_id
        self.errors.clear()
        d = draft or IncidentDraft()
        self.classification.setText(d.classification)
        self.grade.setCurrentIndex(self.grade.findData(d.grade.value if d.grade else None))
        self.caller_name.setText(d.caller_name)
        self.narrative.setPlainText(d.narrative)
        for name, edit in self.thrive.items():
            edit.setText(d.thrive.get(name, ""))
        self.location.clear()
        self.location.restore(d.location)
        self._loading = False
        self._show_deadline()
        self._refresh_duplicates()

    # ---------------------------------------------------------------- drafts

    @property
    def draft_key(self) -> str:
        return self.call_id or WALK_IN

    def draft(self) -> IncidentDraft:
        """What the form holds now, typed (what is kept on disk, and what `submit` sends)."""
        grade = self.grade.currentData()
        return IncidentDraft(
            classification=self.classification.text().strip(),
            grade=Grade(grade) if grade else None,
            caller_name=self.caller_name.text().strip(),
            narrative=self.narrative.toPlainText(),
            thrive={n: e.text().strip() for n, e in self.thrive.items() if e.text().strip()},
            location=self.location.point,
        )

    def save_draft(self) -> None:
        if self._loading or not hasattr(self, "_save_timer"):
            return
        self._save_timer.stop()
        draft = self.draft()
        if draft.is_empty():
            self._drafts.discard(self.draft_key)
        else:
            self._drafts.save(self.draft_key, draft)

    def _on_field_changed(self, *_: Any) -> None:
        if self._loading:
            return
        self._save_timer.start()
        self._show_deadline()
        self._refresh_duplicates()

    def discard(self) -> None:
        self._save_timer.stop()
        self._drafts.discard(self.draft_key)
        if self.call_id is None:
            self.open_walk_in(keep_current=False)
        else:
            self.open_call(self.call_id, keep_current=False)

    # ---------------------------------------------------------------- helpers

    def _on_classification_text_edited(self, text: str) -> None:
        found = self._classifications.search(text)
        self._choices.setStringList([c.name for c in found])
        known = self._classifications.by_name(text)
        if known is not None and self.grade.currentIndex() < 0:
            self.deadline.setText(f"usually {grades.WORD[known.grade]}")

    def _show_deadline(self) -> None:
        value = self.grade.currentData()
        if value is None:
            known = self._classifications.by_name(self.classification.text())
            hint = f" (usually {grades.WORD[known.grade]})" if known else ""
            self.deadline.setText(f"<i>No grade yet{hint}</i>")
            return
        grade = Grade(value)
        minutes = GRADE_TARGET_MINUTES.get(grade)
        if minutes is None:
            self.deadline.setText(grades.target_words(grade))
            return
        due = self._store.now() + timedelta(minutes=minutes)
        self.deadline.setText(
            f"<b>Attend by {due.astimezone():%H:%M}</b> ({grades.target_words(grade)} of creation)"
        )

    def _on_store_changed(self, change: Change) -> None:
        if change.kind == "incidents":
            self._refresh_duplicates()

    def _refresh_duplicates(self) -> None:
        point = self.location.point
        call = self._store.calls.get(self.call_id) if self.call_id else None
        self.warnings.show_for(
            (point["lat"], point["lon"]) if point else None,
            call.caller_number if call else None,
            self.call_id,
        )
        selected = self.duplicates.currentItem()
        keep = selected.data(INCIDENT_ROLE) if selected else None
        self.duplicates.clear()
        self.duplicates.hide()  # no empty box taking the fields' room; shown when any are found
        if point is None:
            self.duplicates_title.setText("Possible duplicates: choose a location first")
            return
        found = find_duplicates(
            self._store.incidents.values(),
            point["lat"],
            point["lon"],
            self.classification.text(),
            radius_m=self._radius_m,
            window_min=self._window_min,
            now=self._store.now(),
        )
        for dup in found:
            item = QListWidgetItem(dup.describe(self._store.now()))
            item.setData(INCIDENT_ROLE, dup.incident.id)
            self.duplicates.addItem(item)
            if dup.incident.id == keep:
                self.duplicates.setCurrentItem(item)
        self.duplicates.setVisible(bool(found))
        if found and self.duplicates.currentRow() < 0:
            self.duplicates.setCurrentRow(0)
        self.duplicates_title.setText(
            f"<b style='color:#f5a524'>Possible duplicates: {len(found)}</b> within "
            f"{self._radius_m:.0f} m and {self._window_min:.0f} min — Ctrl+L links the call"
            if found
            else f"No open incident within {self._radius_m:.0f} m in the last "
            f"{self._window_min:.0f} min"
        )

    # ---------------------------------------------------------------- actions

    def validate(self) -> list[tuple[QWidget, str]]:
        problems: list[tuple[QWidget, str]] = []
        text = self.classification.text().strip()
        if not text:
            problems.append((self.classification, "Choose a classification."))
        elif self._classifications.by_name(text) is None:
            problems.append((self.classification, f"“{text}” is not a classification."))
        if self.grade.currentIndex() < 0:
            problems.append((self.grade, "Choose a grade."))
        point = self.location.point
        if point is None:
            problems.append((self.location.address, "Give a location."))
        elif point.get("inside") is False:
            problems.append((self.location.address, "The location is outside the force area."))
        return problems

    def submit(self) -> None:
        problems = self.validate()
        if problems:
            self.errors.setText(" ".join(message for _, message in problems))
            problems[0][0].setFocus()
            return
        draft = self.draft()
        known = self._classifications.by_name(draft.classification)
        caller = None
        if draft.caller_name or self.call_id:
            caller = f"{draft.caller_name or 'name not given'} ({self.caller_number.text()})"
        body = draft.incident_create(known.name if known else draft.classification, caller)
        self.raise_requested.emit(self.call_id, body)
        self._finish(f"Incident sent: {body.opening_classification}")

    def link_duplicate(self) -> None:
        item = self.duplicates.currentItem()
        if self.call_id is None:
            self.errors.setText("Only a call can be linked; this form has no call.")
            return
        if item is None:
            self.errors.setText("No possible duplicate selected.")
            return
        incident = self._store.incidents.get(item.data(INCIDENT_ROLE))
        if incident is None:
            self.errors.setText("That incident has just closed; choose another or create.")
            return
        self.link_requested.emit(self.call_id, incident)
        self._finish(f"Call linked to {incident.reference}")

    def _finish(self, message: str) -> None:
        self._save_timer.stop()
        self._drafts.discard(self.draft_key)
        self.open_walk_in(keep_current=False)
        self.finished.emit(message)
