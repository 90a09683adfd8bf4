"""Files that are not well-formed CSV: each gives problems naming file, line and column, never a crash."""

from __future__ import annotations

from analysis.data.validate import check


def _errors(data):
    return check(data.dir).errors


def test_bom_is_fine(data) -> None:
    path = data.path("targets")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert _errors(data) == []


def test_crlf_line_endings_are_fine(data) -> None:
    path = data.path("outcomes")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert _errors(data) == []


def test_not_utf8_names_line_and_column(data) -> None:
    line = data.line_of("policies", "made-in-china-2025")
    path = data.path("policies")
    raw = path.read_bytes().replace("中国制造2025".encode(), "中国制造2025".encode("gb18030"), 1)
    path.write_bytes(raw)
    errors = _errors(data)
    assert [(p.file, p.line, p.column) for p in errors] == [(str(path), line, "title_zh")]
    assert "not valid UTF-8" in errors[0].message


def test_not_utf8_in_header(data) -> None:
    path = data.path("bodies")
    path.write_bytes(b"\xff" + path.read_bytes())
    errors = _errors(data)
    assert any(p.line == 1 and "not valid UTF-8" in p.message for p in errors)


def test_ragged_row(data) -> None:
    line = data.replace("targets", "mic2025-step2", ",qualitative,", ",qualitative")
    errors = _errors(data)
    ragged = [p for p in errors if "fields but the header has" in p.message]
    assert [(p.file, p.line) for p in ragged] == [(str(data.path("targets")), line)]
    assert ragged[0].column == data.lines("targets")[0].split(",")[-1]  # the first column the short row lacks


def test_row_too_long(data) -> None:
    line = data.replace("targets", "mic2025-step2", ",qualitative,", ",qualitative,,")
    ragged = [p for p in _errors(data) if "fields but the header has" in p.message]
    assert [(p.line, p.column) for p in ragged] == [(line, "-")]


def test_unclosed_quote(data) -> None:
    # In a last row, so that no later quote in the file closes it.
    line = data.append("targets", 'a-row-with-an-open-quote,"The figure')
    errors = _errors(data)
    quote = [p for p in errors if "unclosed quote" in p.message]
    assert [(p.file, p.line) for p in quote] == [(str(data.path("targets")), line)]


def test_text_after_closing_quote(data) -> None:
    line = data.replace("targets", "mic2025-step2", ",Step two", ',"Step" two')
    errors = [p for p in _errors(data) if "malformed CSV" in p.message]
    assert [p.line for p in errors] == [line]


def test_quoted_multiline_value_keeps_physical_lines(data) -> None:
    """A value spanning two lines shifts the rows below: problems must name the physical line."""
    path = data.path("targets")
    old = ",Step two: reach a middling position among the manufacturing powers.,"
    new = ',"Step two, on two lines: reach a middling\nposition among the manufacturing powers.",'
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    line = data.line_of("targets", "mic2025-step3")
    data.replace("targets", "mic2025-step3", ",2049,", ",2049x,")
    errors = _errors(data)
    # The quoted comma keeps the field count right; the only error is on mic2025-step3's physical line.
    assert [(p.line, p.column) for p in errors] == [(line, "deadline")]


def test_missing_column(data) -> None:
    lines = data.lines("bodies")
    lines = [",".join(c for i, c in enumerate(_split(line)) if i != 2) if line else line for line in lines]
    data.path("bodies").write_text("\n".join(lines), encoding="utf-8")
    errors = _errors(data)
    assert (str(data.path("bodies")), 1, "name_zh") in [(p.file, p.line, p.column) for p in errors]
    assert any("column is missing" in p.message for p in errors)


def _split(line: str) -> list[str]:
    import csv

    return next(csv.reader([line]))


def test_unknown_column(data) -> None:
    path = data.path("bodies")
    text = path.read_text(encoding="utf-8").replace("founded", "founded_on", 1)
    path.write_text(text, encoding="utf-8")
    columns = {(p.line, p.column): p.message for p in _errors(data)}
    assert "unknown column 'founded_on'" in columns[(1, "founded_on")]
    assert "column is missing" in columns[(1, "founded")]


def test_columns_out_of_order(data) -> None:
    path = data.path("citations")
    rows = [_split(line) for line in data.lines("citations") if line]
    path.write_text("\n".join(",".join([r[1], r[0], *r[2:]]) for r in rows) + "\n", encoding="utf-8")
    errors = _errors(data)
    assert any(p.line == 1 and "out of order" in p.message for p in errors)


def test_empty_file(data) -> None:
    data.path("bodies").write_bytes(b"")
    errors = [p for p in _errors(data) if p.file.endswith("bodies.csv")]
    assert [(p.line, p.column) for p in errors] == [(1, "-")]
    assert "file is empty" in errors[0].message


def test_header_only_file_is_a_valid_empty_table(data) -> None:
    data.path("bodies").write_text(data.lines("bodies")[0] + "\n", encoding="utf-8")
    errors = _errors(data)
    # The only error: a citation that pointed at a body now points at nothing.
    assert [(p.file, p.column, p.message) for p in errors] == [
        (str(data.path("citations")), "row_id", "no row with id 'swg' in bodies")]


def test_missing_file(data) -> None:
    data.path("investments").unlink()
    errors = _errors(data)
    assert [(p.file, p.line, p.column) for p in errors] == [(str(data.path("investments")), 0, "-")]
    assert "file is missing" in errors[0].message


def test_missing_referenced_file_makes_references_unknown(data) -> None:
    data.path("policies").unlink()
    errors = _errors(data)
    assert any(p.file.endswith("policies.csv") and "file is missing" in p.message for p in errors)


def test_nul_byte(data) -> None:
    line = data.replace("targets", "mic2025-step2", "Step two", "Step\x00two")
    errors = _errors(data)
    assert [(p.line, "NUL" in p.message) for p in errors] == [(line, True)]


def test_blank_line(data) -> None:
    line = data.line_of("targets", "mic2025-step2")
    lines = data.lines("targets")
    lines.insert(line - 1, "")
    data.path("targets").write_text("\n".join(lines), encoding="utf-8")
    errors = _errors(data)
    assert [(p.line, p.message) for p in errors] == [(line, "blank line: remove it")]


def test_descriptor_not_json(data) -> None:
    path = data.dir / "datapackage.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"resources": [', '"resources": [,', 1),
                    encoding="utf-8")
    errors = _errors(data)
    assert len(errors) == 1 and errors[0].file == str(path) and "not valid JSON" in errors[0].message
    assert errors[0].line > 1


def test_descriptor_missing(data) -> None:
    (data.dir / "datapackage.json").unlink()
    errors = _errors(data)
    assert [(p.line, p.column) for p in errors] == [(0, "-")]
    assert "file is missing" in errors[0].message
