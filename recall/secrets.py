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
    r"|\bhf_[A-Za-z0-9]{30,}"  # Hugging Face
    r"|\bnpm_[A-Za-z0-9]{36}"  # npm
    r"|\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"  # a JWT
)
_NOT_MASKED = r"(?!\[secret removed\])"  # masking twice changes nothing (QA, session 15)
_CREDENTIAL = (
    r"password|passwd|pwd|passphrase|passcode|secret|secret[_ ]?key|api[_ -]?key|access[_ -]?key|"
    r"access[_ -]?token|auth[_ -]?token|bearer|client[_ -]?secret|private[_ -]?key"
)
# "password: Hunter2!", "api_key = 'abc…'", "AWS_SECRET_ACCESS_KEY=…", "PGPASSWORD=…": the name
# stays, the value goes (four characters or more, so "the password: we reset it" keeps its
# words); "Password for the Acme SFTP: …" — a few words between the name and its colon
_NAMED = re.compile(
    r"(?i)\b([a-z_]*(?:" + _CREDENTIAL + r")(?:\b[^:=\n]{0,40}?)?"
    r"[\"']?\s*[:=]\s*)([\"']?)" + _NOT_MASKED + r"([^\s\"']{4,})\2"
)
# "token: 9f8e7d…", "Authorization: Bearer 9f8e…": a token's value is long and holds a digit
_TOKEN = re.compile(
    r"(?i)(\b(?:[a-z_]*token\b[\"']?\s*[:=]|bearer)\s*)([\"']?)"
    + _NOT_MASKED
    + r"(?=[^\s\"']*\d)([A-Za-z0-9._~+/=-]{12,})\2"
)
# "the SFTP password is Tr0ub4dor&3": said in a sentence, a value with a digit or a symbol
_SAID = re.compile(
    r"(?i)(\b(?:password|passphrase|passcode|pin)\s+(?:is|was)\s+)([\"']?)"
    + _NOT_MASKED
    + r"(?=\S*[\d!@#$%^&*])([^\s\"']{6,})\2"
)
# user:password@ in a URL
_URL_CREDENTIALS = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^\s/:@]+:)([^\s/@]+)(@)", re.IGNORECASE)


def mask_secrets(text: str) -> str:
    """``text`` with every secret replaced by ``[secret removed]``."""
    if not text:
        return text
    text = _KEY_SHAPES.sub(SECRET, text)
    for rx in (_TOKEN, _NAMED, _SAID):
        text = rx.sub(lambda m: f"{m.group(1)}{m.group(2)}{SECRET}{m.group(2)}", text)
    return _URL_CREDENTIALS.sub(
        lambda m: m.group(0) if m.group(2) == SECRET else f"{m.group(1)}{SECRET}{m.group(3)}",
        text,
    )


__all__ = ["SECRET", "mask_secrets"]
