"""`manage.py plan_seating`: event file in, plan file out (no database needed)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

BENCHDATA = Path(__file__).resolve().parents[2] / "matchmaking" / "benchdata"


def test_it_writes_a_plan_for_an_event_file(tmp_path):
    event = tmp_path / "event.json"
    shutil.copy(BENCHDATA / "sample_n012_r4_t2.json", event)
    plan = tmp_path / "plan.json"
    call_command("plan_seating", "--input", str(event), "--output", str(plan), "--seed", "3")
    written = json.loads(plan.read_text(encoding="utf-8"))
    assert written["schema"] == "seating-schedule/1"
    assert written["instance"] == "sample_n012_r4_t2"
    assert len(written["rounds"]) == 4
    assert written["meta"]["seed"] == 3
    assert written["meta"]["repeats"] == 0
    # No repeats: nothing could have fewer; the value is not proven best on twelve people.
    assert written["meta"]["repeats_proven_minimal"] is True
    assert written["meta"]["exact_search"] in {"complete", "cut short"}
    assert written["meta"]["score"] <= written["meta"]["value"]


def test_it_refuses_bad_input_and_writes_nothing(tmp_path):
    event = tmp_path / "event.json"
    data = json.loads((BENCHDATA / "sample_n012_r4_t2.json").read_text(encoding="utf-8"))
    data["table_size"] = 7
    event.write_text(json.dumps(data), encoding="utf-8")
    plan = tmp_path / "plan.json"
    with pytest.raises(CommandError, match="Table size"):
        call_command("plan_seating", "--input", str(event), "--output", str(plan))
    assert not plan.exists()


def test_it_refuses_a_file_that_is_not_json(tmp_path):
    event = tmp_path / "event.json"
    event.write_text("{not json", encoding="utf-8")
    plan = tmp_path / "plan.json"
    with pytest.raises(CommandError):
        call_command("plan_seating", "--input", str(event), "--output", str(plan))
    assert not plan.exists()
