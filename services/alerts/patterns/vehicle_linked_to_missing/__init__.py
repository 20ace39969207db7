"""P06 (b): a child in a vehicle shortly before or during a missing episode."""
