"""Prompt templates as files (package data)."""
