#!/usr/bin/python3
"""Workbooks as openpyxl (an independent writer) makes them, for the CLI
cases: python3 make_workbooks.py OUTDIR. Nothing here is real data."""
import io
import sys
import zipfile

import openpyxl

HEADER = ['survey_year', 'county', 'respondent_id', 'role', 'caseload', 'confirmed',
          'suspected']
ROWS = [[2025, 'Pima', 'PIMA-001', 'Probation Officer', 42, 1, 3],
        [2025, 'PIMA ', 'PIMA-002', None, 38, 0, 2],
        [2025, 'Yuma', 'YUMA-001', 'supervisor', 12, 0, 0]]


def book(rows, title='Responses'):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    return wb


def save_with_cached_value(wb, path, cell, value):
    """openpyxl does not compute formulas; Excel saves each one's result.
    Put the result in, as Excel would."""
    buf = io.BytesIO()
    wb.save(buf)
    zin = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == 'xl/worksheets/sheet1.xml':
                text = data.decode()
                start = text.index('<c r="%s"' % cell)
                end = text.index('</c>', start)
                cell_xml = text[start:end]
                if '<v>' in cell_xml:
                    cell_xml = cell_xml[:cell_xml.index('<v>')]
                cell_xml = cell_xml.replace('<v/>', '') + '<v>%s</v>' % value
                text = text[:start] + cell_xml + text[end:]
                data = text.encode()
            zout.writestr(item, data)


def main(out):
    book([HEADER] + ROWS).save(out + '/clean.xlsx')
    book([['Pima County caseload survey 2025'], HEADER] + ROWS).save(out + '/title.xlsx')
    wb = book([HEADER] + ROWS)
    wb.active['E2'] = '=40+2'
    save_with_cached_value(wb, out + '/formula.xlsx', 'E2', 42)
    wb.save(out + '/formula-unsaved.xlsx')
    wb = book([HEADER] + ROWS)
    import datetime
    wb.active['E3'] = datetime.date(2025, 3, 1)
    wb.save(out + '/date.xlsx')
    wb = book([HEADER] + ROWS, title='Sheet1')
    wb.create_sheet('Notes')
    wb.save(out + '/two-sheets.xlsx')
    wb = book([HEADER] + ROWS, title='Sheet1')
    wb.create_sheet('Responses')
    wb['Responses'].append(HEADER)
    wb['Responses'].append(ROWS[0])
    wb.save(out + '/named-sheet.xlsx')
    wb = book([HEADER] + ROWS)
    wb.active['E4'] = '#N/A'
    wb.active['E4'].data_type = 'e'
    wb.save(out + '/error-cell.xlsx')
    wb = book([HEADER] + ROWS + [[2025, 'Yuma', 'YUMA-002', None, 10, 1, 1]])
    wb.active.merge_cells('A4:B4')
    wb.save(out + '/merged.xlsx')


if __name__ == '__main__':
    main(sys.argv[1])
