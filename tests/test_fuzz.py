"""A short mutation fuzz of every reader (the long run is `make fuzz`): damaged copies of reports in
each format either parse or raise InputError with one line of Chinese, never anything else."""

from __future__ import annotations

import importlib.util
import signal
from pathlib import Path

import pytest

from gongkai import InputError, parse_bytes

_spec = importlib.util.spec_from_file_location("fuzz", Path(__file__).parents[1] / "tools" / "fuzz.py")
fuzz = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fuzz)  # type: ignore[union-attr]

RUNS = 200  # 40 per format; `make fuzz` runs 10,000
LIMIT = 30  # seconds for one input: a hang guard, not a speed measurement


def _alarm(signum, frame):  # type: ignore[no-untyped-def]
    raise TimeoutError


def test_mutated_inputs_parse_or_fail_with_one_chinese_line():
    outcomes = {"ok": 0, "input": 0}
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        for n, (fmt, data) in enumerate(fuzz.inputs(RUNS, seed=1, formats=fuzz.FORMATS)):
            signal.alarm(LIMIT)
            try:
                parse_bytes(data, f"fuzz-{n}.{fmt}")
                outcomes["ok"] += 1
            except InputError as e:
                message = str(e)
                assert message and "\n" not in message and any("\u4e00" <= ch <= "\u9fff" for ch in message), \
                    (n, fmt, message)
                outcomes["input"] += 1
            except TimeoutError:
                pytest.fail(f"run {n} ({fmt}) took over {LIMIT} s")
            finally:
                signal.alarm(0)
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert sum(outcomes.values()) == RUNS
    assert outcomes["ok"] and outcomes["input"]  # the mutations reach both outcomes


def test_mutations_are_deterministic_and_do_change_the_bytes():
    pool = fuzz.seeds()
    first = list(fuzz.inputs(20, seed=3, formats=fuzz.FORMATS, pool=pool))
    assert first == list(fuzz.inputs(20, seed=3, formats=fuzz.FORMATS, pool=pool))
    assert sum(data != pool[fmt] for fmt, data in first) >= 18
