"""Verification: the numbers checked against the exact ones by independent routes."""
