"""Every error recall raises, under the one root ``TrailkeepError`` (trailkeep.vault.errors).

The CLI turns any of them into a one-line message and exit code 1; the page shows the message."""

from __future__ import annotations

from trailkeep.vault.errors import TrailkeepError


class BackendError(TrailkeepError):
    """A model backend that is unknown or configured wrongly."""


class ModelCallFailed(TrailkeepError):
    def __init__(self, backend: str, cause: BaseException) -> None:
        super().__init__(f"the {backend} call failed ({type(cause).__name__}: {cause})")
        self.cause = cause


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
    "ModelCallBlocked",
    "ModelCallFailed",
    "PromptError",
    "PromptNamesOtherClient",
    "TimelineError",
]
