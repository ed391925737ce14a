"""report-read.py — reads `kioskctl centre report` files back for tests/shell/test_centre.sh.

    report-read.py cell FILE.csv KEY MONTH HEADING   the value in the row whose first cell is
                                                      KEY (a hall id, a month or 合计) and, in a
                                                      table with months, whose month is MONTH
                                                      ("-": any), under HEADING
    report-read.py xlsx FILE.xlsx                     "sheets A|B|…", then one line per cell
                                                      "SHEET KEY MONTH HEADING VALUE" (openpyxl)
"""
import csv
import sys


def cell(path, key, month, heading):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    ci = rows[0].index(heading)
    mi = rows[0].index("月份") if "月份" in rows[0] else None
    for r in rows[1:]:
        if r[0] == key and (mi is None or month == "-" or r[mi] == month):
            print(r[ci])
            return


def xlsx(path):
    import openpyxl
    wb = openpyxl.load_workbook(path)
    print("sheets", "|".join(wb.sheetnames))
    for name in wb.sheetnames:
        rows = [[c.value for c in r] for r in wb[name].iter_rows()]
        head = rows[0]
        mi = head.index("月份") if "月份" in head else None
        for r in rows[1:]:
            month = r[mi] if mi is not None else "-"
            for h, v in zip(head, r):
                print(name, r[0], month, h, v)


if sys.argv[1] == "cell":
    cell(*sys.argv[2:6])
else:
    xlsx(sys.argv[2])
