"""P07 missing escalation: more or longer missing episodes than in the window before."""
