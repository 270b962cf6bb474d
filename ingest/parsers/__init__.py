"""One parser per source format: pure functions from bytes to ParsedDocuments."""
