"""trailkeep.vault: the only package that talks to SQL, the vector index and the blob store.

Exports are imported on first use (PEP 562), so that `import trailkeep.<pkg>.<module>` and
`trailkeep --help` do not pay for every dependency; type checkers see the real imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lazy import lazy_getattr

if TYPE_CHECKING:
    from .embedder import (
        Embedder,
        HashEmbedder,
        MiniLMEmbedder,
        get_embedder,
        register_embedder,
    )
    from .errors import (
        ConfigError,
        DiskFull,
        MigrationError,
        NotFound,
        SchemaTooNew,
        TrailkeepError,
        VaultError,
        WriterBusy,
    )
    from .maintenance import (
        DoctorReport,
        ForgetReport,
        doctor,
        dump,
        forget,
        reindex,
    )
    from .query import (
        Filters,
        hydrate,
        keyword_search,
        resolve_client,
        status,
        vector_search,
    )
    from .records import (
        DRAFTS_DIR,
        INVOICES_DIR,
        ChunkSpec,
        Hit,
        Origin,
        ParsedDocument,
        ParsedEntry,
        ParsedLink,
        WriteResult,
        iso,
    )
    from .settings import (
        DEFAULT_CONFIG,
        Settings,
        init_home,
        load_settings,
    )
    from .store import (
        Vault,
        utcnow,
    )

_EXPORTS = {
    "ChunkSpec": ".records",
    "ConfigError": ".errors",
    "DiskFull": ".errors",
    "DEFAULT_CONFIG": ".settings",
    "DRAFTS_DIR": ".records",
    "INVOICES_DIR": ".records",
    "DoctorReport": ".maintenance",
    "Embedder": ".embedder",
    "Filters": ".query",
    "ForgetReport": ".maintenance",
    "HashEmbedder": ".embedder",
    "Hit": ".records",
    "MigrationError": ".errors",
    "MiniLMEmbedder": ".embedder",
    "NotFound": ".errors",
    "Origin": ".records",
    "ParsedDocument": ".records",
    "ParsedEntry": ".records",
    "ParsedLink": ".records",
    "SchemaTooNew": ".errors",
    "Settings": ".settings",
    "TrailkeepError": ".errors",
    "Vault": ".store",
    "VaultError": ".errors",
    "WriteResult": ".records",
    "WriterBusy": ".errors",
    "doctor": ".maintenance",
    "dump": ".maintenance",
    "forget": ".maintenance",
    "get_embedder": ".embedder",
    "hydrate": ".query",
    "init_home": ".settings",
    "iso": ".records",
    "keyword_search": ".query",
    "load_settings": ".settings",
    "register_embedder": ".embedder",
    "reindex": ".maintenance",
    "resolve_client": ".query",
    "status": ".query",
    "utcnow": ".store",
    "vector_search": ".query",
}

__getattr__ = lazy_getattr(__name__, _EXPORTS)


__all__ = [
    "DEFAULT_CONFIG",
    "DRAFTS_DIR",
    "INVOICES_DIR",
    "ChunkSpec",
    "ConfigError",
    "DiskFull",
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
