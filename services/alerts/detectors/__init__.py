"""Pattern detectors, one module each; framework-free use cases over a graph port."""
