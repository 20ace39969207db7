"""P02 peer group: pupils of one school linked to one place or one approacher."""
