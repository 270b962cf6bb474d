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
# words); "Password for the Acme SFTP: <value>" — up to four words between the name and its
# colon, within the sentence, and then the value must look like one (a digit or a symbol, not a
# date or a time): "Password reset on: 2026-03-04" and "Secret Santa: Monday" keep their words.
# Never a name inside "[secret removed]" itself: masking twice changes nothing.
_NAMED = re.compile(
    r"(?i)(?<!\[)\b([a-z_]*(?:" + _CREDENTIAL + r")((?:[ \t]+[^\s:=.!?;\[\]]{1,30}){0,4}?)"
    r"[\"']?[ \t]*[:=]\s*)([\"']?)" + _NOT_MASKED + r"([^\s\"']{4,200})\3"
)
_DATE_OR_TIME = re.compile(r"\d{1,4}(?:[-/.:]\d{1,4})+[.,]?")
_LOOKS_SECRET = re.compile(r"[\d!@#$%^&*]")
# "token: <hex>", "Authorization: Bearer <token>": a token's value is long and holds a digit
_TOKEN = re.compile(
    r"(?i)(\b(?:[a-z_]*token\b[\"']?[ \t]*[:=]|bearer)[ \t]*)([\"']?)"
    + _NOT_MASKED
    + r"([A-Za-z0-9._~+/=-]{12,400})\2"
)
# "password: "correct horse battery"", "api_key = 'abc def'": a quoted value is the value,
# spaces and all (QA, session 16: a quoted phrase was not masked at all)
_QUOTED = re.compile(
    r"(?i)(?<!\[)\b([a-z_]*(?:"
    + _CREDENTIAL
    + r")[\"']?[ \t]*[:=][ \t]*)([\"'])"
    + _NOT_MASKED
    + r"([^\"'\n]{4,200})\2"
)
# "passphrase: correct horse battery staple": a password of words goes whole, to the end of its
# sentence or line (eight words at most). Only when its first word reads as a word of four
# letters or more — "password: Hunter2 (changed Monday)" is one token, "the password: we reset
# it" keeps its words.
_PHRASE = re.compile(
    r"(?i)(?<!\[)\b([a-z_]*(?:password|passwd|passphrase|pass phrase|passcode)[ \t]*[:=][ \t]*)"
    + _NOT_MASKED
    + r"([A-Za-z]{4,40}(?:[ \t]+[^\s\"'\[\]]{1,40}){1,7})"
)
_SENTENCE_END = re.compile(r"[.!?;,](?=\s|$)")
# "the SFTP password is <value>": said in a sentence, a value with a digit or a symbol
_SAID = re.compile(
    r"(?i)(\b(?:password|passphrase|passcode|pin)\s+(?:is|was)\s+)([\"']?)"
    + _NOT_MASKED
    + r"([^\s\"']{4,200})\2"
)
# user:password@ in a URL (bounded parts: no run of text is read twice over)
_URL_CREDENTIALS = re.compile(
    r"(\b[a-z][a-z0-9+.-]{0,30}://[^\s/:@]{1,256}:)([^\s/@]{1,256})(@)", re.IGNORECASE
)


def _named(m: re.Match[str]) -> str:
    value = m.group(4)
    after = m.group(1)[len(m.group(1).rstrip()) :]  # the space after ":" or "="
    if m.group(2).strip() and (
        not _LOOKS_SECRET.search(value) or _DATE_OR_TIME.fullmatch(value) or "\n" in after
    ):
        # words before the colon, then a value that reads as a word or a date, or is on the
        # next line ("Next steps:\nAlice will call")
        return m.group(0)
    return f"{m.group(1)}{m.group(3)}{SECRET}{m.group(3)}"


def _phrase(m: re.Match[str]) -> str:
    words = m.group(2)
    end = _SENTENCE_END.search(words)
    cut = end.start() if end else len(words)
    return f"{m.group(1)}{SECRET}{words[cut:]}"


def _with_digit(m: re.Match[str]) -> str:
    if not _LOOKS_SECRET.search(m.group(3)) or _DATE_OR_TIME.fullmatch(m.group(3)):
        return m.group(0)
    return f"{m.group(1)}{m.group(2)}{SECRET}{m.group(2)}"


def mask_secrets(text: str) -> str:
    """``text`` with every secret replaced by ``[secret removed]``."""
    if not text:
        return text
    text = _KEY_SHAPES.sub(SECRET, text)
    text = _TOKEN.sub(_with_digit, text)
    text = _QUOTED.sub(lambda m: f"{m.group(1)}{m.group(2)}{SECRET}{m.group(2)}", text)
    text = _PHRASE.sub(_phrase, text)
    text = _NAMED.sub(_named, text)
    text = _SAID.sub(_with_digit, text)
    return _URL_CREDENTIALS.sub(
        lambda m: m.group(0) if m.group(2) == SECRET else f"{m.group(1)}{SECRET}{m.group(3)}",
        text,
    )


__all__ = ["SECRET", "mask_secrets"]
