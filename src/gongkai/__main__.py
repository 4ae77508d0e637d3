"""`python -m gongkai …` runs the same CLI as the `gongkai` command."""

from .cli import main

main()
