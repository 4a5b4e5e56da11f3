"""Loading and validating the dataset: YAML files in, typed records or a list of problems out."""
