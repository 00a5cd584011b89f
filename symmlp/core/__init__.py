"""The foundation every other package builds on: validation (one policy), files, display,
optional extras, and (with the derivation's tree) nothing that knows about models."""
