"""P19 injury on return: a child found or back from a missing episode injured."""
