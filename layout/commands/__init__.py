"""The commands layer: one module per `bulletin` subcommand, each a `run_*(args) -> exit code`. The only place
(with cli.py) that prints; everything below returns values or raises."""
