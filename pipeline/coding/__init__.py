"""Thematic codebook, rule-based bilingual coder and agreement statistics."""
