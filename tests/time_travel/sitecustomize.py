"""Moves the wall clock of a Python process that tests start (a live `motesplats serve`, a
`create-admin`) to the test run's time: Python imports this module at start-up when its
folder is on PYTHONPATH (tests.clock.faked_env puts it there).

`MOTESPLATS_TEST_CLOCK_OFFSET` (seconds, from tests.clock) is added to the real time with
time-machine, which fakes time.time, datetime.now and their relatives in the whole process
and lets the time run on; monotonic clocks and sleeping stay real, so timeouts and the
background loops behave as in production. (Debian's libfaketime breaks Python's
time.sleep with EINVAL when the monotonic clock is left alone, and hangs it otherwise.)
"""

import os

_offset = os.environ.get("MOTESPLATS_TEST_CLOCK_OFFSET")
if _offset:
    from datetime import UTC, datetime, timedelta

    import time_machine

    _travel = time_machine.travel(datetime.now(UTC) + timedelta(seconds=float(_offset)), tick=True)
    _travel.start()
