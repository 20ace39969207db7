"""Benchmarks and the synthetic population they (and the fault tests) share."""
