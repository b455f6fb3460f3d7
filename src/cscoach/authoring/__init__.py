"""For trainers: validate, graph, skeleton, stats, autoplay, coverage and the validate cache."""
