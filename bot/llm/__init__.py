"""ADR drafting: a small Drafter protocol, the openai-backed drafter and the template fallback."""
