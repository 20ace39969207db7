"""P08 co-missing: children missing together who end up at one place or with one person."""
