"""Prompt templates of LLM conversion (a package only so that the wheel ships its *.md files)."""
