"""Small helpers every concern uses; they know nothing of the models."""
