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


def test_page_error_rates_add_up_to_the_documents():
    from pipeline.evaluate import cer, page_cer

    truth = "รายงานการประชุม ครั้งที่ 1/2566\nมติที่ประชุม รับทราบ"
    pages = ["รายงานการประชุม ครังที 1/2566", "มติที่ประชุม รับทราบ"]  # marks lost on page 1
    first, second = page_cer(truth, pages)
    assert second == 0.0 and first > 0
    # the edits of the pages are the document's edits
    ref = len("".join(truth.split()))
    page_refs = [len("".join(p.split())) for p in ("รายงานการประชุม ครั้งที่ 1/2566", pages[1])]
    edits = first * page_refs[0] + second * page_refs[1]
    assert round(edits) == round(cer(truth, "\f".join(pages)) * ref)
    assert page_cer(truth, [truth]) == [0.0]


def test_digit_accuracy_counts_digits_and_exact_values_by_field():
    from pipeline.evaluate import digit_accuracy

    truth = "เริ่มประชุมเวลา 09.30 น. วันที่ 4 มีนาคม 2565 งบประมาณ 1,250,000 บาท และ 350,000 บาท"
    read = "เริ่มประชุมเวลา 05.30 น. วันที่ 4 มีนาคม 2505 งบประมาณ 1,250,000 บาท และ 850,000 บาท"
    got = digit_accuracy(truth, read)
    assert got["times"] == (4, 3, 1, 0)  # 09.30 read 05.30
    assert got["dates"] == (5, 4, 1, 0)  # the year's 6 read 0
    assert got["amounts"] == (13, 12, 2, 1)  # one amount exact, one with a wrong digit
    assert digit_accuracy(truth, truth)["amounts"] == (13, 13, 2, 2)
