"""The numeric core: array functions and frozen plain data, importing numpy and scipy only.

Nothing here knows files, pydantic, terminals or flags; it raises plain exceptions that the
layers above turn into placed problems.
"""
