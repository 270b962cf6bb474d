"""trailkeep.recall: retrieval, trails, answers and model backends over the vault.

Exports are imported on first use (PEP 562), so that `import trailkeep.<pkg>.<module>` and
`trailkeep --help` do not pay for every dependency; type checkers see the real imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trailkeep.vault.lazy import lazy_getattr

if TYPE_CHECKING:
    from .answer import (
        Answer,
        ask,
        ask_extractive,
    )
    from .backends import (
        Backend,
        ModelReply,
    )
    from .backends.anthropic import AnthropicBackend, anthropic_client
    from .backends.llamaindex import LlamaIndexBackend
    from .backends.openai_compatible import OpenAICompatibleBackend
    from .errors import (
        BackendError,
        BriefError,
        ModelCallBlocked,
        ModelCallFailed,
        PromptError,
        TimelineError,
    )
    from .retrieval import (
        SearchResult,
        search,
        search_detailed,
    )
    from .secrets import mask_secrets
    from .trail import (
        Step,
        document_trail,
        topic_trail,
        trail_json,
    )

_EXPORTS = {
    "Answer": ".answer",
    "AnthropicBackend": ".backends.anthropic",
    "Backend": ".backends",
    "BackendError": ".errors",
    "BriefError": ".errors",
    "ModelCallBlocked": ".errors",
    "ModelCallFailed": ".errors",
    "PromptError": ".errors",
    "TimelineError": ".errors",
    "LlamaIndexBackend": ".backends.llamaindex",
    "ModelReply": ".backends",
    "OpenAICompatibleBackend": ".backends.openai_compatible",
    "SearchResult": ".retrieval",
    "Step": ".trail",
    "anthropic_client": ".backends.anthropic",
    "ask": ".answer",
    "ask_extractive": ".answer",
    "document_trail": ".trail",
    "mask_secrets": ".secrets",
    "search": ".retrieval",
    "search_detailed": ".retrieval",
    "topic_trail": ".trail",
    "trail_json": ".trail",
}

__getattr__ = lazy_getattr(__name__, _EXPORTS)


__all__ = [
    "Answer",
    "AnthropicBackend",
    "Backend",
    "BackendError",
    "BriefError",
    "LlamaIndexBackend",
    "ModelCallBlocked",
    "ModelCallFailed",
    "ModelReply",
    "OpenAICompatibleBackend",
    "PromptError",
    "SearchResult",
    "Step",
    "TimelineError",
    "anthropic_client",
    "ask",
    "ask_extractive",
    "document_trail",
    "mask_secrets",
    "search",
    "search_detailed",
    "topic_trail",
    "trail_json",
]
