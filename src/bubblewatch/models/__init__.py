"""Fundamental models. They take arrays, Series and DataFrames; they know nothing of the store."""
