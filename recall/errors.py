"""Every error recall raises, under the one root ``TrailkeepError`` (trailkeep.vault.errors).

The CLI turns any of them into a one-line message and exit code 1; the page shows the message."""

from __future__ import annotations

from trailkeep.vault.errors import TrailkeepError


class BackendError(TrailkeepError):
    """A model backend that is unknown or configured wrongly."""


class ModelCallFailed(TrailkeepError):
    def __init__(self, backend: str, cause: BaseException) -> None:
        self.kind = type(getattr(cause, "original", cause)).__name__  # "RateLimitError"
        super().__init__(f"the {backend} call failed ({self.kind}: {_said(cause)})")
        self.cause = cause


def _said(cause: BaseException) -> str:
    """What went wrong, in a line: an HTTP status, not the server's JSON body (QA, session 15:
    a draft's reason quoted a 429's whole error object)."""
    status = getattr(cause, "status_code", None)
    if isinstance(status, int):
        return f"HTTP {status}"
    if "Timeout" in type(getattr(cause, "original", cause)).__name__:
        # not the SDK's paragraph (QA, session 15): the setting that decides the wait
        return "no answer in time ([answer] timeout, for each of max_retries + 1 attempts)"
    first = (str(cause).strip().splitlines() or [""])[0]
    return first if len(first) <= 160 else first[:159] + "…"


class IncompleteReply(TrailkeepError):
    """The model's reply stopped before its end (a token limit, a dropped stream): not an
    answer to show as one (QA, session 15)."""


class EmptyReply(TrailkeepError):
    """The model replied with nothing."""


class ModelCallBlocked(ModelCallFailed):
    """The call was never made (the audit log records the block)."""


class PromptNamesOtherClient(TrailkeepError):
    """The last check before a model call found another client in a client's prompt."""

    def __init__(self, client: str, found: list[tuple[str, str]]) -> None:
        named = ", ".join(f"{cid} ({words!r})" for cid, words in found)
        super().__init__(
            f"blocked before sending: the prompt for {client} names another client: {named}"
        )
        self.found = found


class PromptError(TrailkeepError):
    """A prompt template that cannot be filled (an unknown or missing variable)."""


class TimelineError(TrailkeepError):
    """A time question that cannot be asked as put (no word in the phrase, no such version)."""


class BriefError(TrailkeepError):
    """A briefing that cannot be made as asked (a client clients.toml does not list)."""


__all__ = [
    "BackendError",
    "BriefError",
    "EmptyReply",
    "IncompleteReply",
    "ModelCallBlocked",
    "ModelCallFailed",
    "PromptError",
    "PromptNamesOtherClient",
    "TimelineError",
]
