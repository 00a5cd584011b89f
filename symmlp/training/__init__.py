"""Training on the compiled gradient, the exact step, results, and saving them."""
