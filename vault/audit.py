"""The model-call audit log: what was sent, what came back, tokens, latency, error (never a
key).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from .base import (
    VaultBase,
    _pk,
    schema_table,
    utcnow,
)
from .records import iso, parse_db_ts


class AuditMixin(VaultBase):
    def record_llm_call(self, **row: Any) -> int:
        """Audit one model call (backend, model, prompt, response, tokens, latency, error)."""
        with self.writer("audit"), self.engine.begin() as c:
            res = c.execute(schema_table("LlmCall").insert().values(created_at=utcnow(), **row))
            return _pk(res)

    def llm_calls(self, limit: int = 20) -> list[dict[str, Any]]:
        with self.engine.connect() as c:
            rows = c.execute(
                text(
                    "SELECT id, created_at, purpose, backend, model, prompt, response, "
                    "input_tokens, output_tokens, latency_ms, error FROM llm_call "
                    "ORDER BY id DESC LIMIT :n"
                ),
                {"n": limit},
            ).all()
        keys = (
            "id created_at purpose backend model prompt response input_tokens output_tokens "
            "latency_ms error"
        ).split()
        out = [dict(zip(keys, r, strict=True)) for r in rows]
        for call in out:  # ISO 8601 in UTC with its offset, as every other time we show
            call["created_at"] = iso(parse_db_ts(call["created_at"])) or str(call["created_at"])
        return out


__all__ = ["AuditMixin"]
