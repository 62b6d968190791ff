"""The guest vote path's per-process cache of a round's rules (rules_cache.cached_rules)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.errors import NotFound
from app.events.contests import ballots, rules_cache


def _rules(round_id=7, status="open"):
    return ballots.Rules(
        round_id=round_id,
        contest_id=3,
        status=status,
        method="single",
        max_choices=1,
        eligibility=("join_code",),
        entry_ids=frozenset({1, 2}),
    )


@pytest.fixture(autouse=True)
def _empty_cache():
    rules_cache._rules.clear()
    rules_cache._loading.clear()
    yield
    rules_cache._rules.clear()
    rules_cache._loading.clear()


def test_first_ballots_of_a_round_load_its_rules_once(monkeypatch):
    """When a round opens, many first ballots arrive at once: one database load serves them all."""
    calls = []

    def load(round_id):
        calls.append(round_id)
        time.sleep(0.2)
        return _rules(round_id)

    monkeypatch.setattr(ballots.Rules, "load", staticmethod(load))
    barrier = threading.Barrier(20)

    def first_ballot(_):
        barrier.wait()
        return rules_cache.cached_rules(7)

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(first_ballot, range(20)))
    assert calls == [7]
    assert all(r == _rules(7) for r in results)
    assert rules_cache.cached_rules(7) == _rules(7) and calls == [7]  # cached afterwards
    assert rules_cache._loading == {}


def test_waiters_share_not_found_and_reload_after_a_failed_load(monkeypatch):
    outcomes = iter([NotFound(), RuntimeError("database restarted"), _rules(8)])
    gate = threading.Event()

    def load(round_id):
        gate.wait(2)
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    monkeypatch.setattr(ballots.Rules, "load", staticmethod(load))
    # not found: the waiter takes the leader's answer (no second load)
    with ThreadPoolExecutor(2) as pool:
        a = pool.submit(rules_cache.cached_rules, 8)
        time.sleep(0.05)
        b = pool.submit(rules_cache.cached_rules, 8)
        time.sleep(0.05)
        gate.set()
        assert a.result() is None and b.result() is None
    # the leader's load fails: its caller sees the error, a waiter loads by itself
    gate.clear()
    with ThreadPoolExecutor(2) as pool:
        a = pool.submit(rules_cache.cached_rules, 8)
        time.sleep(0.05)
        b = pool.submit(rules_cache.cached_rules, 8)
        time.sleep(0.05)
        gate.set()
        with pytest.raises(RuntimeError):
            a.result()
        assert b.result() == _rules(8)


def test_fresh_and_draft_rules_are_always_reloaded(monkeypatch):
    loads = []

    def load(round_id):
        loads.append(round_id)
        return _rules(round_id, status="draft")

    monkeypatch.setattr(ballots.Rules, "load", staticmethod(load))
    rules_cache.cached_rules(9)
    rules_cache.cached_rules(9)  # a draft round may open at any moment: not cached
    rules_cache.cached_rules(9, fresh=True)
    assert loads == [9, 9, 9]
