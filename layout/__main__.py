"""`python -m layout` is the `bulletin` command."""

from layout.cli import main

raise SystemExit(main())
