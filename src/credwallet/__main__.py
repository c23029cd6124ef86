"""`python -m credwallet` runs the command line."""

from credwallet.cli import main

main()
