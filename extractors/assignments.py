"""Assignments: tasks given to someone (มอบหมาย...), with the assignee, task and due."""

from __future__ import annotations

from pythainlp.tokenize import word_tokenize

from extractors import patterns as P
from extractors.values import parse_thai_date
from pipeline.model import Assignment, Minutes, ResolutionKind
from pipeline.speakers import canonical_office


def split_assignee(rest: str) -> tuple[str, str]:
    """Split the words after มอบหมาย(ให้) into assignee and task.

    >>> split_assignee("แต่ละส่วนได้สำรวจข้อมูล")
    ('แต่ละส่วน', 'สำรวจข้อมูล')
    >>> split_assignee("ฝ่ายเลขานุการ ดำเนินการจัดทำข้อมูล")
    ('ฝ่ายเลขานุการ', 'ดำเนินการจัดทำข้อมูล')
    """
    first, _, remainder = rest.strip().partition(" ")
    words = word_tokenize(first, keep_whitespace=False)
    for i, word in enumerate(words[1:], start=1):
        if word in P.TASK_START:
            assignee = "".join(words[:i])
            task = "".join(words[i + 1 :] if word == "ได้" else words[i:])
            return assignee, f"{task} {remainder}".strip()
    return first, remainder.strip()


def _assignment(item: str | None, text: str, source, flags=()) -> Assignment | None:
    m = P.ASSIGN.search(text)
    if not m:
        return None
    assignee, task = split_assignee(m["rest"])
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
    from extractors.resolutions import resolution_kind

    rows = []
    for item in minutes.agenda_items:
        for block in item.resolutions:
            assigns = resolution_kind(block.text) is ResolutionKind.ASSIGNED or P.ASSIGN.search(
                block.text
            )
            if assigns and (a := _assignment(item.number, block.text, block.source)):
                rows.append(a)
        for turn in item.turns:
            if a := _assignment(item.number, turn.text, turn.source, flags=("from_speech",)):
                rows.append(a)
    return rows
