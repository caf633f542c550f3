"""Budget lines: amounts of baht allocated, requested, spent or stated as totals.

Unit prices ("35 บาทต่อกิโลกรัม", "หวีละ 40 - 45 บาท") are not budgets.
"""

from __future__ import annotations

from pythainlp.tokenize import word_tokenize

from extractors import patterns as P
from extractors.values import parse_amount, words_match_amount
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


def _fiscal_year(text: str, pattern=P.FISCAL_YEAR) -> int | None:
    years = list(pattern.finditer(text))
    return int(years[-1]["year"]) if years else None


def extract_budgets(minutes: Minutes) -> list[BudgetLine]:
    """Every amount in baht that is not a unit price; the fiscal year is the one stated before it
    in the same paragraph, else the one in its agenda item's title ("ญัตติขอโอนงบประมาณ ... ๒๕๖๖")."""
    titles = {
        it.number: _fiscal_year(it.title, P.FISCAL_YEAR_EXPLICIT) for it in minutes.agenda_items
    }
    rows = []
    for item, para in minutes.content:
        text = para.text
        previous_end = 0
        for m in P.AMOUNT.finditer(text):
            before, after = text[previous_end : m.start()], text[m.end("unit") :]
            if is_unit_price(text[: m.start()], after):
                continue
            number: str = m["num"]
            flags: tuple[str, ...] = ()
            split = P.SPLIT_NUMBER.search(text[: m.start()])
            if split and "." not in number:  # "1. 2 ล้านบาท": OCR broke "1.2" at the point
                number, flags = f"{split[1]}.{number}", ("digits_rejoined",)
            amount = parse_amount(number, m["scale"])
            spelled = P.AMOUNT_IN_WORDS.match(text, m.end("unit"))
            if spelled and not words_match_amount(spelled["words"], amount):
                # validators flag, never fix: the digits or the words were misread or mistyped
                flags = (*flags, "amount_words_disagree")
            lead = _lead_in(text[: split.start() if split else m.start()])
            phrase = f"{lead} {text[split.start() if split else m.start() : m.end('unit')]}".strip()
            rows.append(
                BudgetLine(
                    item=item,
                    amount_thb=amount,
                    text=phrase,
                    source=para.span_of(m.start(), m.end("unit")),
                    purpose=_purpose(before, after),
                    fiscal_year=_fiscal_year(before) or titles.get(item or ""),
                    flags=flags,
                )
            )
            previous_end = m.end("unit")
    return rows
