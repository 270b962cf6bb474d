"""Prompt templates as files (package data).

``DOC_KINDS``: the document kinds that can be drafted — one ``doc_<kind>.md`` template each, so
adding a kind is adding a file. Kept here (no imports beyond the standard library) so that the
command line can offer the choices without loading the drafting machinery.
"""

from importlib import resources

DOC_KINDS = tuple(
    sorted(
        f.name[len("doc_") : -len(".md")]
        for f in resources.files(__name__).iterdir()
        if f.name.startswith("doc_") and f.name.endswith(".md")
    )
)

__all__ = ["DOC_KINDS"]
