"""`python -m trailkeep.ui.serve run APP [flags]`: the Streamlit server started by
`trailkeep ui`, with the vault opened in the background while the browser loads the page's
scripts, so the first page does not wait for the SQL imports. Neither the embedding model nor
Chroma is loaded here: they load on the first search, so pages that only read SQL never pay for
them (about 180 MB and 40 MB; bench/ui.py measures start-up and memory)."""

from __future__ import annotations

import sys
import threading


def _warm() -> None:
    try:
        from trailkeep.ui import page

        page.warm()
    except Exception as exc:  # the page will open the vault itself and show the error
        print(f"trailkeep: warm-up failed: {exc}", file=sys.stderr)


def main() -> None:
    import os

    os.umask(0o077)
    threading.Thread(target=_warm, name="trailkeep-warm-up", daemon=True).start()
    from streamlit.web import cli as stcli

    sys.argv = ["streamlit", *sys.argv[1:]]
    sys.exit(stcli.main())


if __name__ == "__main__":
    main()
