"""P12 cuckooing: non-residents at a vulnerable tenant's address."""
