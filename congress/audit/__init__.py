"""The append-only, hash-chained audit log (DESIGN.md invariant 5)."""
