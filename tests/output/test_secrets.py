"""A secret pasted into a note, a chat or a client's mail — an API key, a token, a private key,
a password — never leaves the machine or reaches a client: not in a model's prompt (nor the
audit log, which keeps the prompt), not in a draft, not in an MCP tool's result (QA, session 14:
all four carried a pasted `sk-ant-…` key, with `redact = true` too)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import text

from tests.conftest import write_note
from tests.fakes.messages_api import echo_prompt, serve
from tests.output.test_drafts import acme, cara_mail
from trailkeep.ingest import Ingestor
from trailkeep.recall import AnthropicBackend, anthropic_client, ask
from trailkeep.recall.draft import draft_doc, draft_email
from trailkeep.recall.secrets import SECRET, mask_secrets
from trailkeep.vault import Filters, Vault

# made up, and written in parts so that no scanner takes this file for one holding a key
ANTHROPIC = "-".join(("sk", "ant", "api03", "Q" * 40))
AWS = "AK" + "IA" + "Z" * 16
KEY_KIND = "OPENSSH " + "PRIVATE KEY"
PEM = f"-----BEGIN {KEY_KIND}-----\nNOTAKEYnotakeyNOTAKEY0000\n-----END {KEY_KIND}-----"
PASSWORD = "Hunter2-horse"
PASTED = (ANTHROPIC, AWS, "NOTAKEYnotakeyNOTAKEY0000", PASSWORD)
# token-shaped values of the credential tests, made up and written in parts (no scanner should
# take this file for one holding a token)
HEX = "0f" * 6 + "1e" * 4 + "0"  # 21 hex digits
FAKE_PW = "Not" + "Real" + "9x" + "!"


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        (f"Here is their key: {ANTHROPIC}", "Here is their key: [secret removed]"),
        (f"{AWS} and more", "[secret removed] and more"),
        (f"db password: {PASSWORD}", "db password: [secret removed]"),
        ("api_key = 'abcd1234efgh'", "api_key = '[secret removed]'"),
        (f"{PEM}\nafter", "[secret removed]\nafter"),
        ("https://bob:s3cret@db.example/x", "https://bob:[secret removed]@db.example/x"),
        # QA, session 15: a name glued to "password", words before the colon, a bearer
        # token, a token's hex, a password said in a sentence, Hugging Face and npm tokens
        (f"PGPASSWORD={FAKE_PW}", "PGPASSWORD=[secret removed]"),
        (
            f"Password for the Acme SFTP: {FAKE_PW}",
            "Password for the Acme SFTP: [secret removed]",
        ),
        (f"Authorization: Bearer {HEX}", "Authorization: Bearer [secret removed]"),
        (f"token: {HEX}", "token: [secret removed]"),
        (f"the SFTP password is {FAKE_PW}", "the SFTP password is [secret removed]"),
        ("hf_" + "a" * 34, "[secret removed]"),
        ("npm_" + "b" * 36, "[secret removed]"),
        # masking twice changes nothing (it gave "[secret removed] removed]")
        ("api_key = [secret removed]", "api_key = [secret removed]"),
        ("https://bob:[secret removed]@db.example", "https://bob:[secret removed]@db.example"),
        ("my pin is 4821", "my pin is [secret removed]"),
        # review, session 15: a second secret on the line, a second URL
        (
            "SFTP password: hunter22 host: sftp.acme.example",
            "SFTP password: [secret removed] host: sftp.acme.example",
        ),
        (
            "https://a:pw1@a.example/x https://b:pw2@b.example/y",
            "https://a:[secret removed]@a.example/x https://b:[secret removed]@b.example/y",
        ),
        # QA, session 16: a quoted value with spaces was not masked at all, and a passphrase
        # of words lost only its first word
        ('password: "correct horse battery staple"', 'password: "[secret removed]"'),
        ("api_key = 'abcd efgh ijkl'", "api_key = '[secret removed]'"),
        ("passphrase: correct horse battery staple", "passphrase: [secret removed]"),
        (
            "Wifi password: purple monkey dishwasher. Call me",
            "Wifi password: [secret removed]. Call me",
        ),
        ("password: Hunter2 (changed Monday)", "password: [secret removed] (changed Monday)"),
        # words that only look like it
        ("Password reset on: 2026-03-04", "Password reset on: 2026-03-04"),
        ("Access token expires at: 12:00", "Access token expires at: 12:00"),
        ("Secret Santa: Monday", "Secret Santa: Monday"),
        (
            "We discussed the password policy. Next steps: Alice will call",
            "We discussed the password policy. Next steps: Alice will call",
        ),
        ("the password: we reset it", "the password: we reset it"),
        ("The password is expired.", "The password is expired."),
        ("The token: expired yesterday", "The token: expired yesterday"),
        ("We use a bearer token for the API.", "We use a bearer token for the API."),
        ("The secret is that we ship Friday.", "The secret is that we ship Friday."),
        ("scikit-learn (sk-learn) is fine", "scikit-learn (sk-learn) is fine"),
    ],
)
def test_what_counts_as_a_secret(said: str, kept: str) -> None:
    assert mask_secrets(said) == kept
    assert mask_secrets(kept) == kept


def test_a_pasted_secret_reaches_no_prompt_log_draft_or_tool(bvault: Vault) -> None:
    note = (
        "---\nclient: acme\ndate: 2026-03-02\n---\n# Claims export deploy\n\n"
        f"The claims export deploy uses the key {ANTHROPIC} and {AWS}.\n\n"
        f"The claims export database password: {PASSWORD}\n\n{PEM}\n"
    )
    Ingestor(bvault).ingest_file(write_note(bvault.settings.inbox, "deploy.md", note))
    cara_mail(bvault, "keys-1@acme.example", "Deploy", "How does the claims export deploy work?")
    scoped = Filters(client="acme")
    with serve(echo_prompt) as fake:
        b = AnthropicBackend(anthropic_client("k", fake.url, timeout=5, max_retries=0), "m")
        ask(bvault, "How does the claims export deploy work?", scoped, backend=b)
        by_model = draft_email(
            bvault, acme(bvault), reply_to="keys-1@acme.example", backend=b, today=date(2026, 3, 10)
        )
    prompts = json.dumps(fake.requests)
    assert fake.requests and SECRET in prompts
    offline = draft_doc(
        bvault, "status-update", "claims export deploy", acme(bvault), today=date(2026, 3, 10)
    )
    with bvault.engine.connect() as c:
        rows = c.execute(text("SELECT * FROM llm_call")).all()
    logged = json.dumps([list(r) for r in rows], default=str)  # PostgreSQL: datetimes
    from trailkeep.ui.mcp_server import Tools

    tool = Tools(bvault, "acme").search("claims export deploy key password")
    for where, said in (
        ("prompt", prompts),
        ("audit log", logged),
        ("model draft", json.dumps(by_model.as_json())),
        ("offline draft", json.dumps(offline.as_json())),
        ("MCP search", tool),
    ):
        for secret in PASTED:
            assert secret not in said, (where, secret)
