"""Secrets pasted into notes, chats and mail — API keys, tokens, private keys, passwords — are
removed from what leaves the machine or goes to a client: every model prompt (and so the audit
log), every draft, every MCP tool result (QA, session 14: a client's pasted `sk-ant-…` key and a
private key block reached the model, the audit log, a reply draft and an MCP answer, with
`redact = true` too). Unlike ``privacy.redact`` (identifiers, restored in the reply), a secret
is never restored: nothing needs it. Patterns are the providers' documented key shapes and
``name: value`` credentials; notes/0011."""

from __future__ import annotations

import re

SECRET = "[secret removed]"

_KEY_SHAPES = re.compile(
    r"-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|\Z)"
    r"|\bsk-ant-[A-Za-z0-9_-]{16,}"  # Anthropic
    r"|\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"  # OpenAI
    r"|\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}"  # Stripe
    r"|\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"  # AWS access key ids
    r"|\bgh[pousr]_[A-Za-z0-9]{30,}|\bgithub_pat_[A-Za-z0-9_]{22,}"  # GitHub
    r"|\bglpat-[A-Za-z0-9_-]{20,}"  # GitLab
    r"|\bxox[abposr]-[A-Za-z0-9-]{10,}"  # Slack
    r"|\bAIza[0-9A-Za-z_-]{35}"  # Google
    r"|\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"  # a JWT
)
# "password: Hunter2!", "api_key = 'abc…'", "AWS_SECRET_ACCESS_KEY=…": the name stays, the value
# goes (four characters or more, so "the password: we reset it" keeps its words)
_NAMED = re.compile(
    r"(?i)\b((?:[a-z_]*_)?(?:password|passwd|pwd|passphrase|secret|secret[_ ]?key|api[_ -]?key|"
    r"access[_ -]?key|access[_ -]?token|auth[_ -]?token|bearer|client[_ -]?secret|private[_ -]?key)"
    r"[\"']?\s*[:=]\s*)([\"']?)([^\s\"']{4,})\2"
)
# user:password@ in a URL
_URL_CREDENTIALS = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^\s/:@]+:)([^\s/@]+)(@)", re.IGNORECASE)


def mask_secrets(text: str) -> str:
    """``text`` with every secret replaced by ``[secret removed]``."""
    if not text:
        return text
    text = _KEY_SHAPES.sub(SECRET, text)
    text = _NAMED.sub(lambda m: f"{m.group(1)}{m.group(2)}{SECRET}{m.group(2)}", text)
    return _URL_CREDENTIALS.sub(lambda m: f"{m.group(1)}{SECRET}{m.group(3)}", text)


__all__ = ["SECRET", "mask_secrets"]
