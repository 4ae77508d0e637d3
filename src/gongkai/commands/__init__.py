"""CLI command groups that live outside cli.py; importing a module registers its commands."""
