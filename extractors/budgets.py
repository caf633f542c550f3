"""Budget lines: amounts of baht allocated, requested, spent or stated as totals.

Unit prices ("35 บาทต่อกิโลกรัม", "หวีละ 40 - 45 บาท") are not budgets.
"""

from __future__ import annotations

import re
from decimal import Decimal

from pythainlp.tokenize import word_tokenize

from extractors import patterns as P
from extractors.transfers import Transfers, find_transfers
from extractors.values import parse_amount, words_match_amount
from pipeline.model import BudgetLine, Minutes, Paragraph


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
    return _to_clause_end(m["purpose"]) if m else None


def _to_clause_end(purpose: str) -> str:
    """A purpose up to the word that opens the next clause (:data:`P.CLAUSE_OPENERS`)."""
    words = word_tokenize(purpose, keep_whitespace=False)
    for k, word in enumerate(words):
        if k and word in P.CLAUSE_OPENERS:
            return "".join(words[:k])
    return purpose


def _fiscal_year(text: str, pattern=P.FISCAL_YEAR) -> int | None:
    years = list(pattern.finditer(text))
    return int(years[-1]["year"]) if years else None


def _separators_repaired(number: str) -> tuple[str, tuple[str, ...]]:
    """The digits of an amount with the separators OCR damaged put right, and flags saying so:
    a space beside a comma (``350 ,000``: ``digits_rejoined``), thousands grouped with points
    (``85.400.000``: ``separator_misread``); separators where no number has them (``2015.000``,
    ``10,00``) are dropped (``digits_doubtful``). Digits are never changed.

    >>> _separators_repaired("85.400.000"), _separators_repaired("350 ,000.00")
    (('85,400,000', ('separator_misread',)), ('350,000.00', ('digits_rejoined',)))
    >>> _separators_repaired("2015.000"), _separators_repaired("1,5000.50")
    (('2015000', ('digits_doubtful',)), ('15000.50', ('digits_doubtful',)))
    """
    flags: tuple[str, ...] = ()
    if " " in number:
        number, flags = number.replace(" ", ""), ("digits_rejoined",)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", number):
        number, flags = number.replace(".", ","), (*flags, "separator_misread")
    if not P.WELL_FORMED_NUMBER.fullmatch(number):
        # no number is written so: a digit or a separator was misread. The digits stay as read,
        # a last point before two digits as the satang, and the amount is flagged
        number = re.sub(r"[.,](?!\d{2}$)", "", number)
        flags = (*flags, "digits_doubtful")
    return number, flags


class _Titles:
    """What the agenda titles say about the amounts under them: the fiscal year (of the item or
    its nearest parent) and, for an item titled by its project ("4.2.2 โครงการอบรม..."), the
    purpose. Used where the amount's own paragraph says neither."""

    def __init__(self, minutes: Minutes):
        self.years = {
            it.number: _fiscal_year(it.title, P.FISCAL_YEAR_EXPLICIT) for it in minutes.agenda_items
        }
        self.projects = {
            it.number: P.PURPOSE_TRAILERS.sub("", it.title).strip()
            for it in minutes.agenda_items
            if P.PROJECT_TITLE.match(it.title)
        }

    def purpose(self, item: str | None, before: str, after: str) -> str | None:
        return _purpose(before, after) or self.projects.get(item or "")

    def fiscal_year(self, item: str | None, before: str) -> int | None:
        """The year stated before the amount, else in the title of its item or of the nearest
        parent that states one ("3.1 แผนจัดซื้อ ... ปีงบประมาณ ๒๕๖๖" covers 3.1.1 and 3.1.2)."""
        if year := _fiscal_year(before):
            return year
        number = item or ""
        while number:
            if year := self.years.get(number):
                return year
            number = number.rpartition(".")[0]
        return None


def extract_budgets(minutes: Minutes) -> list[BudgetLine]:
    """Every amount in baht that is not a unit price; the fiscal year is the one stated before it
    in the same paragraph, else the one in its agenda item's title ("ญัตติขอโอนงบประมาณ ... ๒๕๖๖")."""
    titles = _Titles(minutes)
    rows = []
    for item, para in minutes.content:
        text = para.text
        transfers = find_transfers(text)
        previous_end = 0
        for m in P.AMOUNT.finditer(text):
            before, after = text[previous_end : m.start()], text[m.end("unit") :]
            if is_unit_price(text[: m.start()], after):
                continue
            number, flags = _separators_repaired(m["num"])
            split = P.SPLIT_NUMBER.search(text[: m.start()])
            if split and "." not in number:  # "1. 2 ล้านบาท": OCR broke "1.2" at the point
                number, flags = f"{split[1]}.{number}", (*flags, "digits_rejoined")
            amount = parse_amount(number, m["scale"])
            if (not amount or number.startswith("0,")) and "digits_doubtful" not in flags:
                # "0,000 บาท": OCR lost the leading digit
                flags = (*flags, "digits_doubtful")
            spelled = P.AMOUNT_IN_WORDS.match(text, m.end("unit"))
            if spelled and not words_match_amount(spelled["words"], amount):
                # validators flag, never fix: the digits or the words were misread or mistyped
                flags = (*flags, "amount_words_disagree")
            lead = _lead_in(text[: split.start() if split else m.start()])
            phrase = f"{lead} {text[split.start() if split else m.start() : m.end('unit')]}".strip()
            moved, moved_from, moved_to = transfers.of(m.start(), previous_end)
            rows.append(
                BudgetLine(
                    item=item,
                    amount_thb=amount,
                    text=phrase,
                    source=para.span_of(m.start(), m.end("unit")),
                    purpose=titles.purpose(item, before, after),
                    fiscal_year=titles.fiscal_year(item, before),
                    transfer=moved,
                    transfer_from=moved_from,
                    transfer_to=moved_to,
                    flags=flags,
                )
            )
            previous_end = m.end("unit")
        rows.extend(_amounts_in_words(item, para, titles, transfers))
    return rows


def _words_to_number(words: str) -> int | None:
    """``สองล้าน`` -> 2000000 (pythainlp's ``thaiword_to_num``); None for what is no numeral."""
    from pythainlp.util import thaiword_to_num

    try:
        return thaiword_to_num(words) if words else None
    except ValueError:
        return None


def _amounts_in_words(
    item: str | None, para: Paragraph, titles: _Titles, transfers: Transfers
) -> list[BudgetLine]:
    """Amounts written only in words ("งบประมาณสองล้านบาทถ้วน"), read with pythainlp's
    ``thaiword_to_num`` and flagged ``amount_in_words``; a spelled-out form in parentheses after
    digits is a check on them (see ``amount_words_disagree``), not an amount of its own."""
    rows = []
    text = para.text
    for m in P.AMOUNT_WORDS_ONLY.finditer(text):
        if text.rfind("(", 0, m.start()) > text.rfind(")", 0, m.start()):
            continue  # inside parentheses
        if is_unit_price(text[: m.start()], text[m.end("unit") :]):
            continue
        baht = _words_to_number(m["words"])
        if baht is None:
            continue
        satang = _words_to_number(m["satang"] or "") or 0
        amount = (Decimal(baht) + Decimal(satang) / 100).quantize(Decimal("0.01"))
        lead = _lead_in(text[: m.start()])
        start = m.start() - len(lead) if text[: m.start()].endswith(lead) else m.start()
        moved, moved_from, moved_to = transfers.of(m.start())
        rows.append(
            BudgetLine(
                item=item,
                amount_thb=amount,
                text=text[start : m.end()].strip(),
                source=para.span_of(m.start(), m.end()),
                purpose=titles.purpose(item, text[: m.start()], text[m.end() :]),
                fiscal_year=titles.fiscal_year(item, text[: m.start()]),
                transfer=moved,
                transfer_from=moved_from,
                transfer_to=moved_to,
                flags=("amount_in_words",),
            )
        )
    return rows
