"""A writer process for the SIGKILL test: writes to a store, printing each acknowledgement.

Run as `python -m tests.store_writer DATA_DIR ROUND COUNT`. Prints `ready`, then for every
acknowledged write a line `ack <kind> <id> <value>` (and `compacting` before it rewrites
the data file), flushed, so the parent knows exactly
which writes it must find after killing this process at a random moment.
"""

from __future__ import annotations

import random
import sys
from datetime import timedelta

from kiosk.store import open_store


def main() -> None:
    data_dir, round_no, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    store = open_store(
        data_dir, compact_min_bytes=16 * 1024, backup_interval=timedelta(seconds=0.2), backup_keep=3
    )
    if store.count("ballast") == 0:
        # A few MB, like a real municipality's data, so rewrites take long enough to be hit.
        store.put_many("ballast", [{"id": f"b{k}", "text": "å" * 1000} for k in range(2500)])
    print("ready", flush=True)
    rng = random.Random(round_no)
    for i in range(count):
        if i % 10 == 9:
            store.put("counters", {"id": "writes", "value": f"{round_no}-{i}"})
            print(f"ack counter writes {round_no}-{i}", flush=True)
        elif i % 25 == 24:
            docs = [{"id": f"r{round_no}-b{i}-{k}", "n": i} for k in range(5)]
            store.put_many("activities", docs)
            print(f"ack batch r{round_no}-b{i} {i}", flush=True)
        else:
            doc_id = f"r{round_no}-{i}"
            store.put(
                "activities",
                {
                    "id": doc_id,
                    "n": i,
                    "title": {"sv": "Språkcafé"},
                    "pad": "x" * rng.randint(10, 400),
                },
            )
            print(f"ack put {doc_id} {i}", flush=True)
        if i % 50 == 49:
            print("compacting", flush=True)  # lets the parent aim a kill at the rewrite
            store.compact()
    print("done", flush=True)


if __name__ == "__main__":
    main()
