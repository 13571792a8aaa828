"""The console's command line: short typed commands for operators who live on the keyboard.

Grammar (one command per line; verbs have a one-letter form; case does not matter):

    a | answer                  answer the next call (999 first, then longest wait)
    n | new                     open the incident form for a walk-in or officer report
    o | open REF                select incident REF on the board
    g | grade [REF] I|P|S|R [REASON]  grade the selected incident (or REF); a
                                downgrade from I or P needs the reason
    l | log [REF] TEXT          add TEXT to the log of the selected incident (or REF)
    k | link REF                link the call in the form to incident REF (a duplicate)
    f | find TEXT               filter the incident board by TEXT (f alone clears it)
    m | mute                    silence or restore the new-999 alert
    ? | help                    show the keyboard help

REF is a full reference (LDN-20261122-0042), or `#` and its number (#42), or, where a REF
is required, the bare number (42). A number matching several open incidents is refused
with the candidates listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from console.grades import BY_LETTER, WORD
from platform_api.contract import Grade, IncidentPublic

VERBS: dict[str, str] = {
    "a": "answer",
    "n": "new",
    "o": "open",
    "g": "grade",
    "l": "log",
    "k": "link",
    "f": "find",
    "m": "mute",
    "?": "help",
}
HELP: dict[str, str] = {
    "answer": "a — answer the next call",
    "new": "n — new incident (walk-in)",
    "open": "o REF — select incident REF",
    "grade": "g [REF] I|P|S|R [reason] — grade an incident (a downgrade from I/P: reason)",
    "log": "l [REF] TEXT — add a log line",
    "link": "k REF — link the call in the form to REF",
    "find": "f TEXT — filter the incident board",
    "mute": "m — mute or unmute the 999 alert",
    "help": "? — keyboard help",
}
_FULL_REF = re.compile(r"^[A-Z]{2,8}-\d{8}-\d+$", re.IGNORECASE)


class CommandLineError(ValueError):
    """The typed line is not a command; the message says what would be."""


@dataclass(frozen=True)
class Parsed:
    verb: str
    incident: IncidentPublic | None = None  # None: the selected incident
    grade: Grade | None = None
    text: str = ""


def _number(reference: str) -> str:
    return reference.rsplit("-", 1)[-1].lstrip("0") or "0"


def resolve(token: str, incidents: Iterable[IncidentPublic], bare_ok: bool) -> IncidentPublic:
    """The open incident a REF token names."""
    pool = list(incidents)
    if _FULL_REF.match(token):
        for incident in pool:
            if incident.reference.casefold() == token.casefold():
                return incident
        raise CommandLineError(f"no open incident {token.upper()}")
    digits = token[1:] if token.startswith("#") else token
    if not digits.isdigit() or (not bare_ok and not token.startswith("#")):
        raise CommandLineError(f"{token!r} is not an incident reference (try #42 or LDN-…)")
    wanted = digits.lstrip("0") or "0"
    matches = [i for i in pool if _number(i.reference) == wanted]
    if not matches:
        raise CommandLineError(f"no open incident numbered {digits}")
    if len(matches) > 1:
        names = ", ".join(sorted(i.reference for i in matches))
        raise CommandLineError(f"#{digits} is ambiguous: {names}; type the full reference")
    return matches[0]


def _grade(token: str) -> Grade:
    """I, P, S, R or the grade's first word (immediate, priority, scheduled, resolved)."""
    folded = token.casefold()
    for letter, grade in BY_LETTER.items():
        if folded in (letter, grade.value.split("_")[0]):
            return grade
    raise CommandLineError(f"{token!r} is not a grade: use I, P, S or R")


def _is_ref(token: str) -> bool:
    return bool(_FULL_REF.match(token)) or (token.startswith("#") and token[1:].isdigit())


def parse(line: str, incidents: Iterable[IncidentPublic]) -> Parsed:
    words = line.strip().split()
    if not words:
        raise CommandLineError("type a command; ? lists them")
    head = words[0].casefold()
    verb = VERBS.get(head, head)
    rest = words[1:]
    pool = list(incidents)
    if verb in ("answer", "new", "mute", "help"):
        if rest:
            raise CommandLineError(f"{verb} takes nothing after it")
        return Parsed(verb)
    if verb == "open":
        if len(rest) != 1:
            raise CommandLineError("open needs one reference: o #42")
        return Parsed(verb, resolve(rest[0], pool, bare_ok=True))
    if verb == "link":
        if len(rest) != 1:
            raise CommandLineError("link needs one reference: k #42")
        return Parsed(verb, resolve(rest[0], pool, bare_ok=True))
    if verb == "grade":
        incident = None
        if len(rest) >= 2 and _is_ref(rest[0]):
            incident = resolve(rest[0], pool, bare_ok=True)
            rest = rest[1:]
        if not rest:
            raise CommandLineError("grade needs a grade: g P, or g #42 P suspect left")
        # The words after the grade are the reason (a downgrade from I or P needs one).
        return Parsed(verb, incident, _grade(rest[0]), text=" ".join(rest[1:]))
    if verb == "log":
        incident = None
        if rest and _is_ref(rest[0]):
            incident = resolve(rest[0], pool, bare_ok=False)
            rest = rest[1:]
        text = " ".join(rest)
        if not text:
            raise CommandLineError("log needs some text: l caller now outside")
        return Parsed(verb, incident, text=text)
    if verb == "find":
        return Parsed(verb, text=" ".join(rest))
    raise CommandLineError(f"unknown command {words[0]!r}; ? lists them")


def completions(line: str, incidents: Iterable[IncidentPublic]) -> list[str]:
    """Whole-line completions for what has been typed so far."""
    words = line.split(" ")
    if len(words) == 1:
        typed = words[0].casefold()
        return [
            name for name in sorted(set(VERBS.values())) if name.startswith(typed) and name != typed
        ]
    verb = VERBS.get(words[0].casefold(), words[0].casefold())
    prefix = " ".join(words[:-1]) + " "
    typed = words[-1]
    refs = sorted(i.reference for i in incidents)
    if verb in ("open", "link", "grade", "log") and len(words) == 2:
        options = [r for r in refs if r.casefold().startswith(typed.casefold())]
        if verb == "grade":
            options = [g.upper() for g in BY_LETTER if g.startswith(typed.casefold())] + options
        if typed.startswith("#"):
            options = [f"#{_number(r)}" for r in refs if f"#{_number(r)}".startswith(typed)]
        return [prefix + o for o in options]
    if verb == "grade" and len(words) == 3:
        return [prefix + g.upper() for g in BY_LETTER if g.startswith(typed.casefold())]
    return []


def describe(parsed: Parsed, target: IncidentPublic | None) -> str:
    """What Enter will do, naming its target ("grade LDN-20261123-0003 Violence: Priority"),
    so a command typed on the selected incident is never sent blind. `target` is the
    incident the command acts on: the one it names, or else the selected one."""
    verb = parsed.verb
    if verb in ("answer", "new", "mute", "help", "find"):
        return HELP.get(verb, verb).split(" — ", 1)[-1]
    if target is None:
        return f"{verb}: select an incident first, or give #N"
    what = f"{target.reference} {target.opening_classification}"
    if verb == "open":
        return f"open {what}"
    if verb == "link":
        return f"link the call in the form to {what}"
    if verb == "grade" and parsed.grade is not None:
        return f"grade {what}: {WORD[target.grade]} \u2192 {WORD[parsed.grade]}"
    if verb == "log":
        return f"add to the log of {what}"
    return verb
