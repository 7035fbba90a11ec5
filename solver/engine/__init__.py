"""Engine layer: compile (the only module that imports OR-Tools), explanations, and the exact counter."""
