"""P23 child in custody: in custody, found in a raid or present at one."""
