"""A scenario played: the engine (a state machine), the runner (one drill), scripted answers."""
