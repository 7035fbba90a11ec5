"""Model layer: located YAML, validation, the catalogue documents and the learner, goals, offers and readings."""
