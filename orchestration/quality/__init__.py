"""Data-quality gates (staging, publication) and the data-quality report of every run."""
