"""Reads a workbook with openpyxl (an independent reader) and prints what the tests compare, as
JSON: per sheet its values (dates as ISO text), frozen pane, autofilter, column widths and the
font/number format of every cell that has a value."""
import datetime
import json
import sys

import openpyxl


def value(v):
    if isinstance(v, datetime.datetime):
        return v.isoformat()
    if isinstance(v, datetime.date):
        return v.isoformat()
    return v


def main(path):
    wb = openpyxl.load_workbook(path)
    out = []
    for ws in wb.worksheets:
        rows, formats = [], []
        for row in ws.iter_rows():
            rows.append([value(c.value) for c in row])
            formats.append([[bool(c.font and c.font.b), c.number_format] if c.value is not None else None
                            for c in row])
        out.append({
            "name": ws.title,
            "rows": rows,
            "formats": formats,
            "freeze": ws.freeze_panes,
            "filter": ws.auto_filter.ref,
            "widths": {k: d.width for k, d in ws.column_dimensions.items() if d.customWidth},
            "max_row": ws.max_row,
        })
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
