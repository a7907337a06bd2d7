"""Tests of models/ledger/read.py: decoding, CSV and xlsx, the header row, row numbers."""

import datetime as dt
import zipfile

import openpyxl
import pytest

from natplan.models.ledger.check import import_ledger
from natplan.models.ledger.read import UNREADABLE_ENCODING, cell_text, decode_ledger, read_ledger
from natplan.models.problems import InputError
from tests.models.ledger.conftest import DATA

GOOD = (DATA / "good.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("value, text", [
    (None, ""),
    ("  甲村 ", "甲村"),
    (12, "12"),
    (12.0, "12"),                              # a household number Excel stored as a double
    (1.5, "1.5"),
    (3.70285e17, "370285000000000000"),        # an ID Excel stored as a number: digits already lost
    (1e22, "1e+22"),
    (True, "TRUE"),
    (dt.datetime(2022, 3, 13), "2022-03-13"),
    (dt.datetime(2022, 3, 13, 8, 30), "2022-03-13 08:30:00"),
    (dt.date(2022, 3, 13), "2022-03-13"),
])
def test_cell_text(value, text):
    assert cell_text(value) == text


def test_decode_ledger_names_the_encoding():
    assert decode_ledger("姓名".encode("utf-8"), "l.csv") == ("姓名", "UTF-8")
    assert decode_ledger(b"\xef\xbb\xbf" + "姓名".encode("utf-8"), "l.csv") == ("姓名", "UTF-8 with BOM")
    assert decode_ledger("姓名".encode("gb18030"), "l.csv") == ("姓名", "GB18030")
    assert decode_ledger("姓名".encode("gb18030"), "l.csv", "gb18030").encoding == "gb18030"
    with pytest.raises(InputError) as e:
        decode_ledger(b"", "l.csv", "klingon")
    assert str(e.value) == "l.csv: unknown encoding 'klingon' (try utf-8 or gb18030)"


def test_gb18030_csv_is_detected(town):
    df = read_ledger(DATA / "good_gb18030.csv")
    assert df.attrs["encoding"] == "GB18030"
    assert df.loc[2, "name"] == "张三" and df.loc[6, "id_number"] == "37028519550702007X"
    assert import_ledger(df, town, "good_gb18030.csv").ok


def test_rows_keep_their_spreadsheet_numbers():
    df = read_ledger(DATA / "bad_rows.csv")
    assert list(df.index) == [2, 3, 4, 5, 6, 7, 8, 9, 11]  # row 10 is blank
    assert df.attrs["headers"]["id_number"] == "身份证号码" and df.attrs["sheet"] is None
    assert df.loc[11, "id_number"] == "37028519550702007x"  # as written; the check upper-cases it


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_other_delimiters(tmp_path, delimiter):
    (tmp_path / "l.csv").write_text(GOOD.replace(",", delimiter), encoding="utf-8")
    df = read_ledger(tmp_path / "l.csv")
    assert df.loc[6, "id_number"] == "37028519550702007X" and df.loc[6, "special"] == "残疾"


def test_missing_column(town):
    with pytest.raises(InputError) as e:
        read_ledger(DATA / "missing_id.csv", display="ledger.csv")
    assert str(e.value) == "ledger.csv: missing column 身份证号 (id_number); columns found: 姓名, 村/社区, 网格, 户号"


def test_unsupported_encoding():
    with pytest.raises(InputError) as e:
        read_ledger(DATA / "utf16.csv", display="ledger.csv")
    assert str(e.value) == f"ledger.csv: {UNREADABLE_ENCODING}"
    assert UNREADABLE_ENCODING == "not UTF-8 or GB18030 text; save the ledger as UTF-8 or GB18030 CSV, or as .xlsx"


def test_encoding_override(town):
    with pytest.raises(InputError) as e:
        read_ledger(DATA / "good_gb18030.csv", encoding="utf-8", display="ledger.csv")
    # 姓 is D0 D5 in GB18030: not UTF-8 at the first byte
    assert str(e.value) == ("ledger.csv: not utf-8 text (byte 0xd0 at offset 0); "
                            "check --encoding or leave it out to detect")
    assert import_ledger(read_ledger(DATA / "good_gb18030.csv", encoding="gb18030"), town, "l.csv").ok


@pytest.mark.parametrize("name, data, message", [
    ("l.csv", b"\n , \n", "the ledger is empty"),
    ("l.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
     "an old .xls workbook, or one saved with a password; open it in Excel or WPS and save it as .xlsx or CSV, "
     "without a password"),
    ("l.xlsx", GOOD.encode("utf-8"), "not a readable .xlsx workbook (not a ZIP file); save it again from Excel"),
])
def test_unreadable_files(tmp_path, name, data, message):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(InputError) as e:
        read_ledger(tmp_path / name, display="ledger")
    assert str(e.value) == f"ledger: {message}"


def test_xlsx_sheet_choice(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active.append(["本表为台账"])
    ws = wb.create_sheet("台账")
    for line in GOOD.splitlines():
        ws.append(line.split(","))
    wb.save(tmp_path / "l.xlsx")
    assert read_ledger(tmp_path / "l.xlsx", sheet="台账").attrs["sheet"] == "台账"
    assert len(read_ledger(tmp_path / "l.xlsx", sheet=1)) == 7
    with pytest.raises(InputError) as e:
        read_ledger(tmp_path / "l.xlsx", sheet="Sheet1", display="l.xlsx")
    assert str(e.value) == "l.xlsx: no sheet 'Sheet1'; sheets: 说明, 台账"
    with pytest.raises(InputError) as e:
        read_ledger(tmp_path / "l.xlsx", display="l.xlsx")  # the first sheet has no ledger on it
    assert str(e.value).startswith("l.xlsx: missing columns 姓名 (name)")


def test_xlsx_title_row_and_numeric_ids(tmp_path, town):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["甲村人员登记台账"])  # a title row above the header
    ws.append(["姓名", "身份证号", "村/社区", "网格", "户号"])
    ws.append(["张三", "370285199003071234", "甲村", "甲村1组", 1])  # made a number cell below
    ws.append(["钱七", "37028519550702007X", "甲村", "甲村2组", 4.0])  # X check, household as 4.0
    ws.append(["李四", 370285198506150028, "甲村", "甲村1组", 1])  # saved as a double: digits lost
    wb.save(tmp_path / "l.xlsx")
    # a number cell holding all 18 digits, as some exporters write it
    with zipfile.ZipFile(tmp_path / "l.xlsx") as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    text = parts[sheet].decode("utf-8")
    cell = '<c r="B3" t="inlineStr"><is><t>370285199003071234</t></is></c>'
    assert cell in text
    parts[sheet] = text.replace(cell, '<c r="B3" t="n"><v>370285199003071234</v></c>').encode("utf-8")
    with zipfile.ZipFile(tmp_path / "l.xlsx", "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    df = read_ledger(tmp_path / "l.xlsx")
    assert df.attrs["sheet"] == "Sheet"
    assert list(df.index) == [3, 4, 5]
    assert df.loc[3, "id_number"] == "370285199003071234"
    assert df.loc[4, "id_number"] == "37028519550702007X" and df.loc[4, "household"] == "4"
    report = import_ledger(df, town, "l.xlsx")
    assert [(p.row, p.message) for p in report.problems] == [
        (5, "ID number saved as a number, its last digits lost; format the 身份证号 column as text and enter it again"),
    ]
    assert report.grids.set_index("grid")["ledger_people"].to_dict() == {"G1": 1, "G2": 1, "G3": 0}


# ------------------------------------------------------------------------ damaged files (issue #17)
def _rezipped(data: bytes, part: str, change) -> bytes:
    import io

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in src.namelist():
            if name != part or change(src.read(name)) is not None:
                z.writestr(name, change(src.read(name)) if name == part else src.read(name))
    return out.getvalue()


@pytest.fixture(scope="module")
def good_xlsx() -> bytes:
    from natplan.models.ledger import ledger_bytes

    return ledger_bytes(read_ledger(DATA / "good.csv").reset_index(drop=True), "xlsx")


@pytest.mark.parametrize("part, change, message", [
    # once a traceback from the XML parser while the rows were read
    ("xl/worksheets/sheet1.xml", lambda d: d[:1000],
     "not a readable .xlsx workbook (sheet 人员登记台账: unclosed token: line 1, column 999); "
     "save it again from Excel or WPS"),
    # once a traceback from openpyxl opening the workbook
    ("xl/workbook.xml", lambda d: d[:201],
     "not a readable .xlsx workbook (no element found: line 1, column 201); save it again from Excel or WPS"),
    ("xl/worksheets/sheet1.xml", lambda d: None, "the workbook has no sheet"),  # once an IndexError
])
def test_a_damaged_workbook_is_refused_in_one_line(tmp_path, good_xlsx, part, change, message):
    (tmp_path / "l.xlsx").write_bytes(_rezipped(good_xlsx, part, change))
    with pytest.raises(InputError) as e:
        read_ledger(tmp_path / "l.xlsx", display="ledger.xlsx")
    assert str(e.value) == f"ledger.xlsx: {message}"


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, monkeypatch):
    import natplan.models.ledger.read as read

    monkeypatch.setattr(read, "MAX_UNPACKED_BYTES", 2**20)
    with zipfile.ZipFile(tmp_path / "l.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", "<" * 3 * 2**20)  # 3 MB that pack into a few kB
    with pytest.raises(InputError) as e:
        read_ledger(tmp_path / "l.xlsx", display="l.xlsx")
    assert str(e.value) == ("l.xlsx: the workbook unpacks to 3 MB, more than a ledger holds (1 MB); "
                            "save it again from Excel or WPS")


def _quoted(rows: list[str], opened: int, closed: int | None) -> list[str]:
    rows = list(rows)
    rows[opened] = '"' + rows[opened]
    if closed is not None:
        rows[closed] += '"'
    return rows


@pytest.mark.parametrize("opened, closed", [
    (3, None),  # once read silently as 2 rows out of 300: the quote swallowed the rest of the file into one cell
    (3, 6),  # a stray quote closed by another rows later
])
def test_an_unbalanced_quote_is_refused_at_its_row(tmp_path, opened, closed):
    lines = GOOD.splitlines()
    rows = _quoted([lines[0]] + [lines[1 + k % 7] for k in range(300)], opened, closed)
    (tmp_path / "l.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_ledger(tmp_path / "l.csv", display="l.csv")
    assert str(e.value) == ('l.csv: row 4: a " opens a cell on line 4 and is not closed on that line, so the lines '
                            "after it would be read into that one cell; remove the quote, or close it")


def test_a_quoted_cell_over_two_lines_is_read(tmp_path, town):
    lines = GOOD.splitlines()
    lines[1] += '"甲村, 3号\n二楼"'  # an address typed with a line break: one cell, as Excel writes it
    (tmp_path / "l.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    df = read_ledger(tmp_path / "l.csv")
    assert len(df) == 7 and df.loc[2, "special"] == "甲村, 3号\n二楼"
    report = import_ledger(df, town, "l.csv")
    assert [p.format("l.csv") for p in report.problems] == [
        "l.csv: row 2: unknown special category 甲村, 3号 二楼; use 卧床, 残疾, 高龄 or leave it empty"]
