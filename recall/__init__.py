"""trailkeep.recall: retrieval, answers and (later) drafting over the vault."""

from .answer import Answer, ask_extractive
from .search import SearchResult, search, search_detailed

__all__ = ["Answer", "SearchResult", "ask_extractive", "search", "search_detailed"]
