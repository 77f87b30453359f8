"""Run the command line as `python -m exporter`."""

from .cli import main

raise SystemExit(main())
