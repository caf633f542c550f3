"""Budget lines: amounts of baht allocated, requested, spent or stated as totals.

Unit prices ("35 บาทต่อกิโลกรัม", "หวีละ 40 - 45 บาท") are not budgets.
"""

from __future__ import annotations

from pythainlp.tokenize import word_tokenize

from extractors import patterns as P
from extractors.values import parse_amount
from pipeline.model import BudgetLine, Minutes


def is_unit_price(before: str, after: str) -> bool:
    """True when the words around an amount make it a price per unit.

    >>> is_unit_price("ราคาจำหน่าย ", "ต่อ กิโลกรัม"), is_unit_price("ราคาหวีละ 40 - ", "")
    (True, True)
    """
    return bool(P.UNIT_PRICE_AFTER.match(after) or P.UNIT_PRICE_BEFORE.search(before[-40:]))


def _lead_in(before: str) -> str:
    """The last few words before an amount ("...ชุมชนงบประมาณ" -> "ชุมชนงบประมาณ")."""
    token = before.rstrip().rsplit(" ", 1)[-1]
    if len(token) <= 20:
        return token
    words = word_tokenize(token, keep_whitespace=False)
    out = ""
    for word in reversed(words):
        if len(out) + len(word) > 20:
            break
        out = word + out
    return out


def _purpose(before: str, after: str) -> str | None:
    found = list(P.PURPOSE_BEFORE.finditer(before))
    if found:
        purpose = P.PURPOSE_TRAILERS.sub("", found[-1][1]).strip()
        if len(purpose) > 4:
            return purpose
    m = P.PURPOSE_AFTER.match(after)
    return m["purpose"] if m else None


def extract_budgets(minutes: Minutes) -> list[BudgetLine]:
    rows = []
    for item, para in minutes.content:
        text = para.text
        previous_end = 0
        for m in P.AMOUNT.finditer(text):
            before, after = text[previous_end : m.start()], text[m.end("unit") :]
            if is_unit_price(text[: m.start()], after):
                continue
            years = list(P.FISCAL_YEAR.finditer(before))
            lead = _lead_in(text[: m.start()])
            phrase = f"{lead} {text[m.start() : m.end('unit')]}".strip()
            rows.append(
                BudgetLine(
                    item=item,
                    amount_thb=parse_amount(m["num"], m["scale"]),
                    text=phrase,
                    source=para.span_of(m.start(), m.end("unit")),
                    purpose=_purpose(before, after),
                    fiscal_year=int(years[-1]["year"]) if years else None,
                )
            )
            previous_end = m.end("unit")
    return rows
