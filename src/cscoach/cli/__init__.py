"""The command line: thin commands by area (play, authoring, check, history, quiz), assembled in
`cli.main`. This package module imports nothing, so importing one area never runs the others:
an `__init__` that imported the areas made every area's import a circle through the package.
"""
