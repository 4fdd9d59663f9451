"""The browser tier (a package, so that its conftest does not shadow tests/conftest.py
when pytest collects the whole tree with --doctest-modules)."""
