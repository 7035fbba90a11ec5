"""Long queries tell their listener how far they are (before: the trade-off front ran 116 s silent on 5,000 units)."""

from __future__ import annotations

import datetime as dt

from solver.budget import Budget, Step
from solver.model.learner import Learner
from solver.queries.tradeoff import tradeoff_front


def test_the_trade_off_front_tells_each_point_as_it_goes(catalogue):
    steps: list[Step] = []
    front = tradeoff_front(catalogue, "600/5962/X", Learner(registered=dt.date(2021, 1, 1), goals=["coaching"]),
                           budget=Budget(work=60, report=steps.append))
    told = [s.done for s in steps if s.task == "trade-off front"]
    assert told == list(range(len(front.points) + 1))  # one report before each solve, the last finding no more
