"""One module per `lmis` sub-command; see `orchestration/cli.py`."""
