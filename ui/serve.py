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


def skip_component_scan() -> bool:
    """Streamlit (1.67 here) scans the metadata of every installed distribution for custom
    components when its runtime starts, before it answers: 0.6–0.8 s here with the ~170
    packages chromadb and llama-index bring. trailkeep uses no custom component, so the scan is
    skipped; if a Streamlit version has no such hook, there is nothing to skip (False)."""
    try:
        from streamlit.components.v2.component_manager import BidiComponentManager
    except ImportError:
        return False
    if not callable(getattr(BidiComponentManager, "discover_and_register_components", None)):
        return False

    def _none(self: object, *, start_file_watching: bool = True) -> None:
        return None

    BidiComponentManager.discover_and_register_components = _none  # type: ignore[method-assign]
    return True


def main() -> None:
    import os

    os.umask(0o077)
    threading.Thread(target=_warm, name="trailkeep-warm-up", daemon=True).start()
    from streamlit.web import cli as stcli

    skip_component_scan()

    sys.argv = ["streamlit", *sys.argv[1:]]
    sys.exit(stcli.main())


if __name__ == "__main__":
    main()
