"""P14 care home targeted: one outsider linked to residents of care homes."""
