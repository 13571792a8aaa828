"""What a console is started with: which platform, who, how it looks, the site's policy files.

`ConsoleSettings` is all the composition root (`console.bootstrap`) needs to build a console
for any mode; `console.app` fills one from the command line and tests fill one directly.
"""

from __future__ import annotations

APP_NAME = "control-room"  # QSettings and the user data folder (the platform's own name too)
