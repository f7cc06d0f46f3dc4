from core.terminal import printable


def test_escape_sequences_are_escaped() -> None:
    assert printable("A\x1b]0;owned\x07B") == "A\\x1b]0;owned\\x07B"
    assert printable("\x1b[2K") == "\\x1b[2K"


def test_bidi_override_and_surrogate_are_escaped() -> None:
    assert printable("ab\u202ecd") == "ab\\u202ecd"
    assert printable("x\udcff") == "x\\udcff"


def test_letters_of_any_script_print_as_typed() -> None:
    assert printable("Nguyễn Thị Zoë") == "Nguyễn Thị Zoë"


def test_backslash_is_doubled_so_escapes_cannot_be_forged() -> None:
    assert printable("\\x1b") == "\\\\x1b"
