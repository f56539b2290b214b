#!/usr/bin/python3
"""Hostile archives: python3 make_bombs.py OUTDIR."""
import sys
import zipfile

WB = ('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
      'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
      '2006/relationships"><sheets><sheet name="Responses" sheetId="1" r:id="rId1"/>'
      '</sheets></workbook>')
RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>')


def bomb(path):
    # a sheet that inflates 1000-fold: 200 MB of blanks inside valid XML
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('xl/workbook.xml', WB)
        z.writestr('xl/_rels/workbook.xml.rels', RELS)
        with z.open('xl/worksheets/sheet1.xml', 'w', force_zip64=True) as f:
            f.write(b'<worksheet><sheetData>')
            chunk = b' ' * (1 << 20)
            for _ in range(200):
                f.write(chunk)
            f.write(b'</sheetData></worksheet>')


def entities(path):
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('xl/workbook.xml', '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">'
                   ']><workbook><sheets><sheet name="x" id="rId1"/></sheets></workbook>')


def traversal(path):
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('xl/workbook.xml', WB)
        z.writestr('xl/_rels/workbook.xml.rels', RELS.replace('worksheets/sheet1.xml',
                                                              '../../../../etc/passwd'))


def main(out):
    bomb(out + '/bomb.xlsx')
    entities(out + '/entities.xlsx')
    traversal(out + '/traversal.xlsx')
    with open(out + '/truncated.xlsx', 'wb') as f:
        f.write(open(out + '/bomb.xlsx', 'rb').read()[:300])


if __name__ == '__main__':
    main(sys.argv[1])
