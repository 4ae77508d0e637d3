"""Shared fixtures: the real seed reports copied from the shared corpus (public documents)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
SEEDS = sorted(p.name for p in CORPUS.iterdir() if (p / "truth.json").exists())


def load_case(name: str) -> tuple[bytes, dict]:
    case = CORPUS / name
    data = next(case.glob("input.*")).read_bytes()
    return data, json.loads((case / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(params=SEEDS)
def seed(request: pytest.FixtureRequest) -> tuple[str, bytes, dict]:
    data, truth = load_case(request.param)
    return request.param, data, truth
