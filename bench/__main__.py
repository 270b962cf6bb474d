"""python -m trailkeep.bench NAME [args]: run one benchmark and print its figures."""

from __future__ import annotations

import sys

from . import (
    answerability,
    brief,
    chats,
    concurrency,
    crash,
    cues,
    drafting,
    email_expected,
    email_quotes,
    emails,
    embedder,
    load,
    locomo,
    mcp,
    notes,
    scale,
    servers,
    sessions,
    startup,
    ui,
    versions,
)

BENCHES = {
    "answerability": answerability.main,
    "brief": brief.main,
    "notes": notes.main,
    "chats": chats.main,
    "chats-child": chats.child_main,
    "emails": emails.main,
    "email-expected": email_expected.main,
    "email-quotes": email_quotes.main,
    "locomo": locomo.main,
    "scale": scale.main,
    "drafting": drafting.main,
    "embedder": embedder.main,
    "ui": ui.main,
    "crash": crash.main,
    "concurrency": concurrency.main,
    "load": load.main,
    "servers": servers.main,
    "sessions": sessions.main,
    "startup": startup.main,
    "cues": cues.main,
    "versions": versions.main,
    "mcp": mcp.main,
}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in BENCHES:
        usage = (
            f"usage: trailkeep bench {{{','.join(BENCHES)}}} [args]\n"
            "       trailkeep bench NAME --help  (what one measures, and its options)"
        )
        if args and args[0] in ("-h", "--help"):
            print(usage)
            return 0
        print(usage if not args else f"{usage}\nno benchmark {args[0]!r}", file=sys.stderr)
        return 2
    return BENCHES[args[0]](args[1:])


if __name__ == "__main__":
    sys.exit(main())
