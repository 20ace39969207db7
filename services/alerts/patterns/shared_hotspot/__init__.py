"""P01 shared hotspot: several distinct young people linked to one place in the window."""
