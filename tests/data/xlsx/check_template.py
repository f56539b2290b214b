#!/usr/bin/python3
"""Read a template with openpyxl (an independent reader) and check what
'prevalence template' promises: python3 check_template.py FILE KIND YEAR [COUNTY].
Prints what it found; exits 1 on the first broken promise."""
import sys

import openpyxl

COLUMNS = {
    'responses': ['survey_year', 'county', 'respondent_id', 'role', 'caseload', 'confirmed',
                  'suspected'],
    'frame': ['survey_year', 'county', 'officers_total', 'youth_total'],
}
# the validation each column must carry
TYPES = {'survey_year': 'whole', 'county': 'list', 'respondent_id': 'textLength',
         'role': 'list', 'caseload': 'whole', 'confirmed': 'custom', 'suspected': 'custom',
         'officers_total': 'whole', 'youth_total': 'whole'}


def fail(msg):
    print('FAIL: ' + msg)
    sys.exit(1)


def main(path, kind, year, county=None):
    wb = openpyxl.load_workbook(path)
    data = 'Frame' if kind == 'frame' else 'Responses'
    if wb.sheetnames != [data, 'Codebook', 'Instructions']:
        fail('sheets %r' % wb.sheetnames)
    ws = wb[data]
    header = [c.value for c in ws[1]]
    if header != COLUMNS[kind]:
        fail('header %r' % header)
    if ws.freeze_panes != 'A2':
        fail('header not frozen: %r' % ws.freeze_panes)
    by_col = {}
    for dv in ws.data_validations.dataValidation:
        col = str(dv.sqref).split(':')[0].rstrip('0123456789')
        by_col[col] = dv
    for i, name in enumerate(COLUMNS[kind]):
        letter = 'ABCDEFG'[i]
        dv = by_col.get(letter)
        if dv is None:
            fail('no validation on %s' % name)
        if dv.type != TYPES[name]:
            fail('%s validated as %s' % (name, dv.type))
        if not dv.prompt or not dv.showInputMessage:
            fail('%s has no input message' % name)
        if ws.column_dimensions[letter].width < 10:
            fail('%s is too narrow' % name)
    if 'Pima' not in by_col['B'].formula1 or 'Santa Cruz' not in by_col['B'].formula1:
        fail('county list %r' % by_col['B'].formula1)
    if kind == 'responses':
        if 'probation_officer' not in by_col['D'].formula1:
            fail('role list %r' % by_col['D'].formula1)
        for letter in 'FG':
            if 'E2' not in by_col[letter].formula1 or 'F2' not in by_col[letter].formula1:
                fail('no confirmed + suspected <= caseload rule: %r' % by_col[letter].formula1)
    if ws['A2'].value != int(year):
        fail('year not filled in: %r' % ws['A2'].value)
    if county is not None and ws['B2'].value != county:
        fail('county not filled in: %r' % ws['B2'].value)
    cb = [r[0].value for r in wb['Codebook'].iter_rows(min_row=2)]
    if cb != COLUMNS[kind]:
        fail('Codebook sheet lists %r' % cb)
    text = ' '.join(str(r[0].value) for r in wb['Instructions'].iter_rows() if r[0].value)
    for must in ('commercial sex act', 'anything of value', 'no force, fraud or coercion',
                 'names', 'case', 'send'):
        if must not in text:
            fail('Instructions do not say %r' % must)
    print('%s: %s, %d validations, header frozen, Codebook and Instructions present'
          % (path, data, len(by_col)))


if __name__ == '__main__':
    main(*sys.argv[1:])
