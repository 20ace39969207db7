"""Identifier normalisers: one small module per identifier type, pure functions, no I/O."""
