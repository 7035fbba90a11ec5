"""`python -m solver.cli` runs the `pathways` command."""

from solver.cli import main

main()
