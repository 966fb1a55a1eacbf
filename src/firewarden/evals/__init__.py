"""Measuring the product on labelled material: cases, labelled text, anomaly benchmarks."""
