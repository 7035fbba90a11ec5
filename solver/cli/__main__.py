"""`python -m solver.cli` runs the `pathways` command."""

from solver.cli.entry import main

main()
