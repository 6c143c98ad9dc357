"""The case: its model, every write to it, its pages, panels and parties, and the topics."""
