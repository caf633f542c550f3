"""Budget transfers (extractors/transfers.py): the heads money moves from and to, in the
phrasings of sub-district and municipal councils, universities and hospitals, with OCR-damaged
variants. The texts are written for these tests, not taken from the samples."""

from __future__ import annotations

from decimal import Decimal

import pytest

from extractors.registry import run_extractors
from extractors.transfers import find_transfers
from tests.helpers import minutes_of

HEAD = "รายงานการประชุมสภาองค์การบริหารส่วนตำบลโคกกลาง\nสมัยสามัญ สมัยที่ 3 ครั้งที่ 1/2566\n\n"


def _budgets(body: str):
    rows = run_extractors(minutes_of(HEAD + "ระเบียบวาระที่ 3 เรื่องเพื่อพิจารณา\n" + body))
    return [(b.amount_thb, b.transfer, b.transfer_from, b.transfer_to) for b in rows["budgets"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # อปท.: โอนลด / โอนเพิ่ม, each with its amount
        (
            "นายก อบต. - ขอโอนลดจากแผนงานบริหารงานทั่วไป งบบุคลากร หมวดเงินเดือน "
            "จำนวน 50,000 บาท โอนเพิ่มแผนงานเคหะและชุมชน งบลงทุน ค่าครุภัณฑ์ จำนวน 50,000 บาท",
            [
                (
                    Decimal("50000.00"),
                    True,
                    "แผนงานบริหารงานทั่วไป งบบุคลากร หมวดเงินเดือน",
                    "แผนงานเคหะและชุมชน งบลงทุน ค่าครุภัณฑ์",
                )
            ]
            * 2,
        ),
        # OCR dropped the mark of เพิ่ม
        (
            "นายก อบต. - โอนเพิม แผนงานการศึกษา งบลงทุน จำนวน 20,000 บาท",
            [(Decimal("20000.00"), True, None, "แผนงานการศึกษา งบลงทุน")],
        ),
        # a new line of spending
        (
            "นายกเทศมนตรี - ขอโอนงบประมาณ จำนวน 75,000 บาท ไปตั้งจ่ายเป็นรายการใหม่ "
            "ค่าจัดซื้อเครื่องสูบน้ำ ราคาเครื่องละ 25,000 บาท จำนวน 3 เครื่อง",
            [(Decimal("75000.00"), True, None, "รายการใหม่ ค่าจัดซื้อเครื่องสูบน้ำ")],
        ),
        # a faculty or a hospital: จาก ... ไป(ยัง) ...
        (
            "คณบดี - ขออนุมัติโอนเงินจากหมวดค่าตอบแทนไปหมวดค่าวัสดุ เป็นเงิน 30,000 บาท",
            [(Decimal("30000.00"), True, "หมวดค่าตอบแทน", "หมวดค่าวัสดุ")],
        ),
        (
            "ผู้อำนวยการโรงพยาบาล - ขอโอนงบประมาณจากโครงการรณรงค์ป้องกันไข้เลือดออก "
            "ไปยังโครงการคัดกรองเบาหวาน จำนวน 12,500 บาท",
            [
                (
                    Decimal("12500.00"),
                    True,
                    "โครงการรณรงค์ป้องกันไข้เลือดออก",
                    "โครงการคัดกรองเบาหวาน",
                )
            ],
        ),
        # a transfer whose heads are not named is a transfer all the same
        (
            "นายก อบต. - ขอโอนงบประมาณ จำนวน 90,000 บาท เพื่อเป็นค่าซ่อมแซมถนน",
            [(Decimal("90000.00"), True, None, None)],
        ),
    ],
)
def test_transfers_name_the_heads_money_moves_from_and_to(text, expected):
    assert _budgets(text) == expected


def test_amounts_that_are_not_transferred_stay_plain():
    got = _budgets(
        "นายก อบต. - ขอโอนงบประมาณ จำนวน 40,000 บาท ไปตั้งจ่ายเป็นค่าวัสดุก่อสร้าง "
        "ทั้งนี้ งบประมาณคงเหลือ 310,000 บาท\n"
        "ปลัด อบต. - ได้รับจัดสรรเงินอุดหนุน จำนวน 500,000 บาท จากกรมส่งเสริมการปกครองท้องถิ่น"
    )
    assert got == [
        (Decimal("40000.00"), True, None, "ค่าวัสดุก่อสร้าง"),
        (Decimal("310000.00"), False, None, None),  # no โอน between the amounts
        (Decimal("500000.00"), False, None, None),  # no โอน in the paragraph
    ]


@pytest.mark.parametrize(
    "text",
    [
        "ที่ประชุมมอบหมายให้โอนเงินไปดำเนินการต่อไป",  # ไป before no budget head
        "เป็นผลจากการโอนย้ายบุคลากร",  # จาก inside จากการ
        "ให้โอนเอียงตามความเห็นของที่ประชุม",  # โอน inside another word
    ],
)
def test_words_that_only_look_like_markers_name_no_head(text):
    assert find_transfers(text).heads == ()
