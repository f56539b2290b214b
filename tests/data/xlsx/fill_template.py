#!/usr/bin/python3
"""Fill a responses template as a specialist would: python3 fill_template.py IN OUT."""
import sys

import openpyxl

wb = openpyxl.load_workbook(sys.argv[1])
ws = wb['Responses']
for r, (code, role, caseload, confirmed, suspected) in enumerate(
        [('PIMA-001', 'probation_officer', 40, 1, 2), ('PIMA-002', None, 35, 0, 1)], start=2):
    ws.cell(r, 3, code)
    ws.cell(r, 4, role)
    ws.cell(r, 5, caseload)
    ws.cell(r, 6, confirmed)
    ws.cell(r, 7, suspected)
wb.save(sys.argv[2])
