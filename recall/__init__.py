"""trailkeep.recall: retrieval, trails, answers and model backends over the vault."""

from .answer import Answer, ask, ask_extractive
from .backends import (
    AnthropicBackend,
    Backend,
    BackendError,
    LlamaIndexBackend,
    ModelReply,
    OpenAICompatibleBackend,
    anthropic_client,
)
from .search import SearchResult, search, search_detailed
from .trail import Step, document_trail, topic_trail, trail_json

__all__ = [
    "Answer",
    "AnthropicBackend",
    "Backend",
    "BackendError",
    "LlamaIndexBackend",
    "ModelReply",
    "OpenAICompatibleBackend",
    "SearchResult",
    "Step",
    "anthropic_client",
    "ask",
    "ask_extractive",
    "document_trail",
    "search",
    "search_detailed",
    "topic_trail",
    "trail_json",
]
