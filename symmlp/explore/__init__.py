"""Exploring the post's claims: approximation constructions, the claims, datasets, plots, the tour."""
