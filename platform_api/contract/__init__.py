"""Wire schemas shared by the platform and the console: the public contract.

This package is everything both sides may import, and it is pure (no server, no Qt; the
import contracts in pyproject.toml hold both to that): the schemas, gathered here under one
name space from `enums`, `entities` (what the platform serves), `commands` (what a client
sends), `reads` and `records` (recordings, training seeds), with their field types in
`wire_types`; the event log's hash chain (`chain`), folding events into the live state
(`fold`) and distances (`geodesy`).

Everything that crosses HTTP is declared here, so the console and the server cannot
disagree about a field. Naming follows `XCreate` (a command's body) and `XPublic`
(what the platform returns). Enumerations are plain strings on the wire.
"""

from __future__ import annotations

from platform_api.contract.commands import *
from platform_api.contract.entities import *
from platform_api.contract.enums import *
from platform_api.contract.reads import *
from platform_api.contract.records import *
