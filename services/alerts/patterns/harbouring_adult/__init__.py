"""P04 harbouring: the adult a missing child was found with, or the tenant where they were found."""
