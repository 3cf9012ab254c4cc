"""``python -m casefiles`` runs the command-line entry point."""

from casefiles.cli import main

raise SystemExit(main())
