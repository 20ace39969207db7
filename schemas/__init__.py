"""Shared event models and topic names: data and validation only, no I/O and no framework."""
