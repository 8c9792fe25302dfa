"""Run every benchmark: `.venv/bin/python -m bench [--quick]`."""

from __future__ import annotations

import sys

from bench import board, growth, page_weight, region, scale, signup, sync

if __name__ == "__main__":
    board.main(sys.argv[1:])
    signup.main(sys.argv[1:])
    growth.main(sys.argv[1:])
    sync.main(sys.argv[1:])
    page_weight.main(sys.argv[1:])
    scale.main(sys.argv[1:])
    region.main(sys.argv[1:])
