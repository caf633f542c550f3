"""Assignments: tasks given to someone (มอบหมาย...), with the assignee, task and due."""

from __future__ import annotations

from pythainlp.tag import pos_tag
from pythainlp.tokenize import word_tokenize

from extractors import patterns as P
from extractors.attendees import split_prefix
from extractors.values import parse_thai_date
from pipeline.model import Assignment, Minutes
from pipeline.speakers import canonical_office


def split_assignee(rest: str) -> tuple[str, str]:
    """Split the words after มอบหมาย(ให้) into assignee and task.

    >>> split_assignee("แต่ละส่วนได้สำรวจข้อมูล")
    ('แต่ละส่วน', 'สำรวจข้อมูล')
    >>> split_assignee("ฝ่ายเลขานุการ ดำเนินการจัดทำข้อมูล")
    ('ฝ่ายเลขานุการ', 'ดำเนินการจัดทำข้อมูล')
    """
    first, _, remainder = rest.strip().partition(" ")
    # the task starts at a word boundary with a task verb; the tokeniser may split the verb
    # itself ("ดำเนิน|การซ่อมแซม"), so a boundary is tested with startswith, not word equality
    words = word_tokenize(first, keep_whitespace=False)
    at = 0
    for word in words:
        if at:
            verb = next((v for v in _VERBS if first.startswith(v, at)), None)
            if verb:
                task = first[at + len(verb) :] if verb == "ได้" else first[at:]
                return first[:at], f"{task} {remainder}".strip()
        at += len(word)
    # no task verb known: the first action verb pythainlp's tagger finds after the first word
    at = len(words[0]) if words else 0
    for word, tag in pos_tag(words[1:], corpus="orchid"):
        if tag == "VACT":
            return first[:at], f"{first[at:]} {remainder}".strip()
        at += len(word)
    return first, remainder.strip()


_VERBS = sorted(P.TASK_START, key=len, reverse=True)


def _assignment(
    item: str | None, text: str, source, flags=(), soft: bool = False
) -> Assignment | None:
    """The task given in ``text`` by มอบหมาย(ให้), or with ``soft`` (a resolution) by ขอให้ /
    โดยให้ / ฝาก when what follows names an office or a person."""
    m = P.ASSIGN.search(text)
    if m:
        assignee, task = split_assignee(m["rest"])
    elif soft:
        for m in P.ASSIGN_SOFT.finditer(text):
            assignee, task = split_assignee(m["rest"])
            if P.ASSIGNEE_HEAD.match(assignee) or split_prefix(assignee)[0]:
                break
        else:
            return None
    else:
        return None
    if not assignee or not task:
        return None
    due_m = P.DUE.search(task)
    due = due_m["due"].strip() if due_m else None
    date = parse_thai_date(due) if due else None
    return Assignment(
        item=item,
        assignee=canonical_office(assignee),
        task=task,
        source=source,
        due=due,
        due_date=date[0] if date else None,
        flags=tuple(flags),
    )


def extract_assignments(minutes: Minutes) -> list[Assignment]:
    """From resolutions whose substance is มอบหมาย, and from speaker turns that say มอบหมาย."""
    rows = []
    for item in minutes.agenda_items:
        for block in item.resolutions:
            if a := _assignment(item.number, block.text, block.source, soft=True):
                rows.append(a)
        for turn in item.turns:
            if a := _assignment(item.number, turn.text, turn.source, flags=("from_speech",)):
                rows.append(a)
    return rows
