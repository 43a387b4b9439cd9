#!/usr/bin/env python3
"""tests/make_docx_fixtures.py DIR - writes the hostile DOCX inputs of
tests/run_import_docx.sh into DIR (made at test time, never committed)."""
import struct
import sys
import zipfile

d = sys.argv[1]
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
DOC = ('<?xml version="1.0" encoding="UTF-8"?><w:document %s><w:body>'
       '<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>KẾ HOẠCH</w:t></w:r></w:p>'
       '<w:p><w:r><w:t>Một dòng</w:t><w:br/><w:t>hai dòng</w:t></w:r></w:p>'
       '<w:p><w:pPr><w:pStyle w:val="Dam"/></w:pPr><w:r><w:t>Đoạn đậm theo kiểu</w:t></w:r></w:p>'
       '<w:p><w:pPr><w:numPr/></w:pPr><w:r><w:t>mục của danh sách</w:t></w:r></w:p>'
       '</w:body></w:document>' % W)


def docx(name, entries, method=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile('%s/%s' % (d, name), 'w', method) as z:
        for n, data in entries:
            z.writestr(n, data)


STYLES = ('<w:styles %s><w:style w:type="paragraph" w:styleId="Dam"><w:rPr><w:b/></w:rPr>'
          '</w:style></w:styles>' % W)
docx('good.docx', [('[Content_Types].xml', '<Types/>'), ('word/document.xml', DOC),
                   ('word/styles.xml', STYLES)])
# an entry over 64 MiB once unpacked (65 MiB of zeros, ~65 KiB packed)
docx('bomb.docx', [('word/document.xml', b'<' + b' ' * (65 << 20))])
# the same bomb whose headers claim 100 bytes: caught while reading
with open('%s/bomb.docx' % d, 'rb') as f:
    b = bytearray(f.read())
big = struct.pack('<I', (65 << 20) + 1)
i = b.find(big)
while i >= 0:
    b[i:i + 4] = struct.pack('<I', 100)
    i = b.find(big, i + 4)
with open('%s/bomb-lying.docx' % d, 'wb') as f:
    f.write(b)
docx('dotdot.docx', [('../../evil.txt', 'x'), ('word/document.xml', DOC)])
docx('entity.docx', [('word/document.xml',
                      '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]>'
                      '<w:document %s><w:body><w:p><w:r><w:t>&a;</w:t></w:r></w:p>'
                      '</w:body></w:document>' % W)])
docx('no-document.docx', [('[Content_Types].xml', '<Types/>'), ('word/other.xml', DOC)])
docx('many.docx', [('e%05d' % k, '') for k in range(10001)] + [('word/document.xml', DOC)],
     zipfile.ZIP_STORED)
docx('malformed.docx', [('word/document.xml', '<w:document %s><w:body>' % W)])
with open('%s/good.docx' % d, 'rb') as f:
    g = f.read()
with open('%s/truncated.docx' % d, 'wb') as f:
    f.write(g[:len(g) // 2])
open('%s/empty.docx' % d, 'wb').close()
with open('%s/text.docx' % d, 'w') as f:
    f.write('KẾ HOẠCH\nnot a zip\n')
