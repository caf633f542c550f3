from __future__ import annotations

import pytest

from extractors.attendees import heading_status, parse_attendee, split_prefix
from pipeline.model import AttendanceStatus, Span
from pipeline.normalize import normalize_text

S = Span(1, 1, 1)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("คณะทำงานเข้าประชุม", "present"),
        ("ผู้มาประชุม", "present"),
        ("กรรมการผู้มาประชุม (๑๕ คน)", "present"),
        ("ผู้เข้าประชุม:", "present"),
        ("สมาชิกสภาเทศบาลผู้มาประชุม", "present"),
        ("ผู้ไม่มาประชุม", "absent"),
        ("คณะทำงานไม่เข้าประชุม", "absent"),
        ("ผู้ลาประชุม", "absent"),
        ("ผู้เข้าร่วมประชุม", "other"),
        ("ผู้ร่วมประชุม", "other"),
        ("ผู้มาประชุม", "present"),
    ],
)
def test_attendance_headings(text, status):
    assert heading_status(normalize_text(text)).value == status


@pytest.mark.parametrize(
    "text", ["เริ่มประชุมเวลา 09.00 น.", "รายงานการประชุม", "เลิกประชุม", "มติที่ประชุม"]
)
def test_not_attendance_headings(text):
    assert heading_status(text) is None


@pytest.mark.parametrize(
    ("name", "prefix", "rest"),
    [
        ("นางสาววรินทร์", "นางสาว", "วรินทร์"),
        ("นายประธาน", "นาย", "ประธาน"),
        ("ว่าที่ร้อยตรีล้ำ", "ว่าที่ร้อยตรี", "ล้ำ"),
        ("ผศ.ดร.สมชาย", "ผศ.ดร.", "สมชาย"),
        ("พ.ต.อ.วิชัย", "พ.ต.อ.", "วิชัย"),
        ("นพ.ธนา", "นพ.", "ธนา"),
        ("สมศรี", None, "สมศรี"),
    ],
)
def test_prefixes(name, prefix, rest):
    assert split_prefix(name) == (prefix, rest)


@pytest.mark.parametrize(
    ("line", "name", "position", "role", "stand_in"),
    [
        (
            "๑. นายเอกวิทย์\tมีเพียร\tรองผู้ว่าราชการจังหวัดปทุมธานี\tประธาน",
            "นาย เอกวิทย์ มีเพียร",
            "รองผู้ว่าราชการจังหวัดปทุมธานี",
            "ประธาน",
            None,
        ),
        (
            "4. ว่าที่ร้อยตรีล้ำ ปลุกเพชร แทนหัวหน้าสำนักงานจังหวัด",
            "ว่าที่ร้อยตรี ล้ำ ปลุกเพชร",
            "แทนหัวหน้าสำนักงานจังหวัด",
            None,
            "หัวหน้าสำนักงานจังหวัด",
        ),
        (
            "3) ผศ.ดร.สมชาย ใจดี คณบดีคณะวิทยาศาสตร์ กรรมการ",
            "ผศ.ดร. สมชาย ใจดี",
            "คณบดีคณะวิทยาศาสตร์",
            "กรรมการ",
            None,
        ),
        (
            "12. นางสาวสุดา มีสุข\tผู้อำนวยการกองคลัง\tกรรมการและเลขานุการ",
            "นางสาว สุดา มีสุข",
            "ผู้อำนวยการกองคลัง",
            "กรรมการและเลขานุการ",
            None,
        ),
        (
            "5. นายวิชัย สุขใจ ผู้แทนนายอำเภอเมือง",
            "นาย วิชัย สุขใจ",
            "ผู้แทนนายอำเภอเมือง",
            None,
            "นายอำเภอเมือง",
        ),
    ],
)
def test_attendee_lines(line, name, position, role, stand_in):
    a = parse_attendee(normalize_text(line), 1, AttendanceStatus.PRESENT, S)
    assert (a.name, a.position, a.role, a.stand_in_for) == (name, position, role, stand_in)


def test_absence_reason():
    a = parse_attendee("2. นายสมศักดิ์ รักดี สมาชิกสภาเทศบาล ติดราชการ", 1, AttendanceStatus.ABSENT, S)
    assert a.note == "ติดราชการ" and a.position == "สมาชิกสภาเทศบาล"


def test_not_an_attendee():
    assert parse_attendee("ระเบียบวาระที่ 1", 1, AttendanceStatus.PRESENT, S) is None


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("นายสมชาย ใจดี ประธานกรรมการ", "นาย สมชาย ใจดี"),
        ("นางสาวมาลี ศรีสุข\tเลขานุการ", "นางสาว มาลี ศรีสุข"),
        ("นายกฤษณ์ ทองแท้ กรรมการ", "นาย กฤษณ์ ทองแท้"),  # a name that begins like นายก
    ],
)
def test_unnumbered_attendee_lines(line, name):
    assert parse_attendee(line, 1, AttendanceStatus.PRESENT, S).name == name


@pytest.mark.parametrize("line", ["นายกเทศมนตรีตำบลบ้านนา", "นายอำเภอเมือง แจ้งว่า", "นาย"])
def test_offices_are_not_unnumbered_attendees(line):
    assert parse_attendee(line, 1, AttendanceStatus.PRESENT, S) is None
