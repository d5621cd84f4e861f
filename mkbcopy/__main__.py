"""`python -m mkbcopy` and the console script: Ctrl-C handled from the first moment.

Importing the CLI (typer, rich) takes a moment; a Ctrl-C in it would otherwise print
a traceback. Nothing is written before the CLI runs, so the message can say so.
"""

import os
import signal
import sys
import threading


def _early(signum: int, frame: object) -> None:
    os.write(2, b"mkbcopy: interrupted; nothing was written; run the command again\n")
    os._exit(130)


def main() -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _early)
        signal.signal(signal.SIGTERM, _early)
    for name in ("stdout", "stderr"):  # started with >&- : write into nothing, not crash
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
    from mkbcopy.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
