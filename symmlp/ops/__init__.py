"""The operations models are made of: activations and losses, each owning all its forms."""
