"""trailkeep.vault: the only package that talks to SQL, the vector index and the blob store."""

from .embedder import Embedder, HashEmbedder, MiniLMEmbedder, get_embedder, register_embedder
from .errors import (
    ConfigError,
    MigrationError,
    NotFound,
    SchemaTooNew,
    TrailkeepError,
    VaultError,
    WriterBusy,
)
from .maintenance import DoctorReport, ForgetReport, doctor, dump, forget, reindex
from .query import Filters, hydrate, keyword_search, resolve_client, status, vector_search
from .records import (
    ChunkSpec,
    Hit,
    Origin,
    ParsedDocument,
    ParsedEntry,
    ParsedLink,
    WriteResult,
    iso,
)
from .settings import DEFAULT_CONFIG, Settings, init_home, load_settings
from .store import Vault, utcnow

__all__ = [
    "DEFAULT_CONFIG",
    "ChunkSpec",
    "ConfigError",
    "DoctorReport",
    "Embedder",
    "Filters",
    "ForgetReport",
    "HashEmbedder",
    "Hit",
    "MigrationError",
    "MiniLMEmbedder",
    "NotFound",
    "Origin",
    "ParsedDocument",
    "ParsedEntry",
    "ParsedLink",
    "SchemaTooNew",
    "Settings",
    "TrailkeepError",
    "Vault",
    "VaultError",
    "WriteResult",
    "WriterBusy",
    "doctor",
    "dump",
    "forget",
    "get_embedder",
    "hydrate",
    "init_home",
    "iso",
    "keyword_search",
    "load_settings",
    "register_embedder",
    "reindex",
    "resolve_client",
    "status",
    "utcnow",
    "vector_search",
]
