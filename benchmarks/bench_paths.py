# -*- coding: utf-8 -*-
"""Where the benchmarks find the project: imported first by the benchmark scripts (run.py, keys.py, proxy_audit.py).

Importing it puts tests/ (the test bed, the integration runner) and benchmarks/ (the helpers) on
sys.path, so that the scripts can import those packages whatever the current directory is.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "benchmarks"
RESULTS = HERE / "results"  # raw data and ansible-playbook logs (git-ignored)
DEFAULT_OUTPUT = ROOT / "docs" / "performance.md"

for _path in (ROOT / "tests", HERE):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))
