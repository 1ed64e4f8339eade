"""CSV that is safe to open in a spreadsheet.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
by Excel, LibreOffice and Google Sheets (CSV injection): text a customer or a merchant typed
could read other cells or call out to the network when staff open an export. Such text is
written with a leading apostrophe, which spreadsheets show as plain text (OWASP's advice)."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_safe_row(row: dict) -> dict:
    return {key: csv_safe(value) for key, value in row.items()}
