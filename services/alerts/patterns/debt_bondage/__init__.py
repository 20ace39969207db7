"""P15 debt bondage: drugs or cash seized from a child."""
