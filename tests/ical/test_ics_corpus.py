"""Every real-world file in `../shared/ics-corpus/` against recurring-ical-events (see
`tests/ical/corpus.py` for the classes): 0 crashes, 0 hangs, 0 silent differences, 0 silent
empty imports. The counts go to bench/results/ics_corpus.json."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.ical.corpus import BAD, CORPUS, classify, corpus_files

RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results" / "ics_corpus.json"
# Files where recurring-ical-events is the one that departs from RFC 5545, checked by hand.
REFERENCE_DEPARTS = {
    "jens-maus+node-ical/test__fixtures__biweekly-exdate-until.ics": (
        "a weekly series with DTSTART in UTC (20170814T140000Z): RFC 5545 keeps 14:00Z all "
        "year (dateutil agrees); the reference moves it an hour with US daylight saving"
    ),
}


@pytest.fixture(scope="module")
def outcomes() -> list:  # type: ignore[type-arg]
    if not CORPUS.is_dir():  # material beside the project, not in it: say where it is looked for
        pytest.skip(f"../shared/ics-corpus not found (looked at {CORPUS}; MOTESPLATS_ICS_CORPUS)")
    return [classify(path) for path in corpus_files()]


def test_the_corpus_is_there(outcomes: list) -> None:  # type: ignore[type-arg]
    assert len(outcomes) >= 230
    assert {o.name.split("/")[0] for o in outcomes} >= {"ical4j+ical4j", "pimutils+khal"}


def test_no_file_crashes_hangs_or_differs_without_a_word(outcomes: list) -> None:  # type: ignore[type-arg]
    counts = Counter(o.kind for o in outcomes)
    bad = [o for o in outcomes if o.kind in BAD and o.name not in REFERENCE_DEPARTS]
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "files": len(outcomes),
                "counts": dict(sorted(counts.items())),
                "reference_departs": REFERENCE_DEPARTS,
                "per_file": {
                    o.name: [o.kind, o.reference, o.ours, o.detail[:200]] for o in outcomes
                },
            },
            indent=1,
            ensure_ascii=False,
        )
    )
    print(f"\nics corpus: {len(outcomes)} files: {dict(counts)} -> {RESULTS}")
    assert bad == [], "\n".join(f"{o.kind} {o.name}: {o.detail}" for o in bad)
    assert counts["identical"] >= 150  # most real calendars arrive exactly as they are


def test_every_refusal_and_every_warning_says_why(outcomes: list) -> None:  # type: ignore[type-arg]
    for outcome in outcomes:
        if outcome.kind == "refused":
            assert len(outcome.detail) > 15, outcome.name
        if outcome.kind == "warned":
            assert outcome.notes and all(len(n) > 10 for n in outcome.notes), outcome.name
