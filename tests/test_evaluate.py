"""The evaluation's row matching and scores."""

from __future__ import annotations

from pipeline.evaluate import pair_rows, scores


def test_a_missed_row_costs_one_row_not_every_row_after_it():
    want = ["ประธานสภาฯ", "ปลัด อบต.", "นายก อบต.", "นายวีระ คงสุข"]
    got = ["ประธานสภาฯ .", "นายก อบต.", "นายวีระ คงสุข"]  # the second speech was lost
    assert pair_rows(want, got) == [(0, 0), (2, 1), (3, 2)]


def test_rows_pair_in_order_only_when_alike():
    assert pair_rows(["นายก อบต.", "นายก อบต."], ["นายก อบต."]) == [(0, 0)]
    assert pair_rows(["ผู้อำนวยการกองคลัง"], ["นายก อบต. ผู้อำนวยการกองคลัง"]) == []
    assert pair_rows([], ["x"]) == []


def test_scores():
    assert scores(10, 8, 8) == (1.0, 0.8, 2 * 0.8 / 1.8)
    assert scores(0, 0, 0) == (1.0, 1.0, 1.0)  # nothing to find, nothing found
    assert scores(3, 0, 0) == (0.0, 0.0, 0.0)  # all missed
    assert scores(0, 2, 0) == (0.0, 0.0, 0.0)  # all invented
