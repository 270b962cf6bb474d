"""Generators of test data: whole vaults written as the files a consultant would drop."""
