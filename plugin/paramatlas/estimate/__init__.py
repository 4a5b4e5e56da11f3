"""The estimation engine: pure functions from records to parameter counts, memory, fit and speed."""
