# -*- coding: utf-8 -*-
"""The integration runner (run.py: `python tests/integration/run.py`, or `from integration import run` with tests/ on sys.path)."""
