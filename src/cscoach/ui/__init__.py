"""Drawing (rich) and asking (questionary), kept apart from the core."""
