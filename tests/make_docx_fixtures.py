#!/usr/bin/env python3
"""tests/make_docx_fixtures.py DIR - writes the DOCX and ODT inputs of
tests/run_import_docx.sh and tests/run_import_odt.sh into DIR: hostile archives
and small documents of what the readers keep (made at test time, never
committed)."""
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
docx('empty-part.docx', [('word/document.xml', '')])

# ---- ODT (tests/run_import_odt.sh) ------------------------------------------------
NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"')
MIME = 'application/vnd.oasis.opendocument.text'
# named styles: Dam (bold), DamCon (its child: bold by inheritance), KhongDam
# (a child that turns bold off); lists: roman / decimal / letter levels, bullets
ODT_STYLES = ('<office:document-styles %s><office:styles>'
              '<style:style style:name="Dam" style:family="paragraph">'
              '<style:text-properties fo:font-weight="bold"/></style:style>'
              '<style:style style:name="DamCon" style:family="paragraph" style:parent-style-name="Dam"/>'
              '<style:style style:name="KhongDam" style:family="paragraph" style:parent-style-name="Dam">'
              '<style:text-properties fo:font-weight="normal"/></style:style>'
              '<style:style style:name="Nghieng" style:family="text">'
              '<style:text-properties fo:font-style="italic"/></style:style>'
              '<text:list-style style:name="So">'
              '<text:list-level-style-number text:level="1" style:num-format="I" style:num-suffix="."/>'
              '<text:list-level-style-number text:level="2" style:num-format="1" style:num-suffix="."/>'
              '<text:list-level-style-number text:level="3" style:num-format="a" style:num-suffix=")"/>'
              '</text:list-style>'
              '<text:list-style style:name="Gach"><text:list-level-style-bullet text:level="1" text:bullet-char="•"/>'
              '</text:list-style></office:styles></office:document-styles>' % NS)
ODT_CONTENT = (
    '<office:document-content %s><office:automatic-styles>'
    '<style:style style:name="T1" style:family="text" style:parent-style-name="Nghieng">'
    '<style:text-properties style:text-underline-style="solid"/></style:style>'
    '<style:style style:name="P1" style:family="paragraph" style:parent-style-name="DamCon"/>'
    '</office:automatic-styles><office:body><office:text>'
    '<text:p text:style-name="P1">Đoạn đậm kế thừa.</text:p>'
    '<text:p text:style-name="KhongDam">Đoạn không đậm.</text:p>'
    '<text:p>Một<text:s text:c="3"/>dòng<text:tab/>tab<text:line-break/>hai dòng<text:soft-page-break/> nối</text:p>'
    '<text:p>Chữ <text:span text:style-name="T1">nghiêng gạch</text:span> thường.</text:p>'
    '<text:list text:style-name="So"><text:list-item><text:p>MỤC MỘT</text:p>'
    '<text:list><text:list-item><text:p>Điểm một</text:p>'
    '<text:list><text:list-item><text:p>ý một</text:p></text:list-item>'
    '<text:list-item><text:p>ý hai</text:p></text:list-item></text:list></text:list-item>'
    '<text:list-item><text:p>Điểm hai</text:p></text:list-item></text:list></text:list-item>'
    '<text:list-item><text:p>MỤC HAI</text:p></text:list-item></text:list>'
    '<text:list text:style-name="Gach"><text:list-item><text:p>gạch đầu dòng.</text:p></text:list-item></text:list>'
    '<text:p>Có chú thích<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation>'
    '<text:note-body><text:p>Lời chú thích.</text:p></text:note-body></text:note> ở đây.</text:p>'
    '<table:table><table:table-column table:number-columns-repeated="3"/>'
    '<table:table-header-rows><table:table-row><table:table-cell><text:p>Cột A</text:p></table:table-cell>'
    '<table:table-cell table:number-columns-spanned="2"><text:p>Cột BC</text:p></table:table-cell>'
    '<table:covered-table-cell/></table:table-row></table:table-header-rows>'
    '<table:table-row><table:table-cell><text:p>a1</text:p></table:table-cell>'
    '<table:table-cell><text:p>b1</text:p></table:table-cell><table:table-cell><text:p>c1</text:p>'
    '</table:table-cell></table:table-row></table:table>'
    '<text:p>Neo khung.<draw:frame text:anchor-type="paragraph" svg:width="3cm" svg:height="1cm">'
    '<draw:text-box><text:p>Chữ trong khung.</text:p></draw:text-box></draw:frame></text:p>'
    '<text:p>Sau khung.</text:p>'
    '</office:text></office:body></office:document-content>' % NS)


def odt(name, entries, mime=MIME):
    with zipfile.ZipFile('%s/%s' % (d, name), 'w', zipfile.ZIP_DEFLATED) as z:
        if mime is not None:
            z.writestr(zipfile.ZipInfo('mimetype'), mime)  # first, stored
        for n, data in entries:
            z.writestr(n, data)


odt('good.odt', [('content.xml', ODT_CONTENT), ('styles.xml', ODT_STYLES)])
odt('bomb.odt', [('content.xml', b'<' + b' ' * (65 << 20))])
odt('entity.odt', [('content.xml', '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]>'
                    '<office:document-content %s/>' % NS)])
odt('no-content.odt', [('styles.xml', ODT_STYLES)])
odt('wrong-mime.odt', [('content.xml', ODT_CONTENT)],
    'application/vnd.oasis.opendocument.spreadsheet')
odt('no-mime.odt', [('content.xml', ODT_CONTENT)], None)
odt('malformed.odt', [('content.xml', '<office:document-content %s>\n<office:body>' % NS)])
odt('styles-malformed.odt', [('content.xml', ODT_CONTENT), ('styles.xml', '<a><b></a>')])
odt('many.odt', [('e%05d' % k, '') for k in range(10001)] + [('content.xml', ODT_CONTENT)])

# for each format: the good file cut in half, an empty file, a text file
for ext in ('docx', 'odt'):
    with open('%s/good.%s' % (d, ext), 'rb') as f:
        g = f.read()
    with open('%s/truncated.%s' % (d, ext), 'wb') as f:
        f.write(g[:len(g) // 2])
    open('%s/empty.%s' % (d, ext), 'wb').close()
    with open('%s/text.%s' % (d, ext), 'w') as f:
        f.write('KẾ HOẠCH\nnot a zip\n')

# ---- limits of both readers (hostile documents, each small once packed) -------------
# a footnote of more than 1 MiB of text: refused
FN = '<w:footnotes %s><w:footnote w:id="1"><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:footnote></w:footnotes>'
REF = '<w:r><w:footnoteReference w:id="1"/></w:r>'
docx('notes-big.docx', [('word/document.xml', DOC.replace('<w:t>KẾ HOẠCH</w:t></w:r>',
                                                           '<w:t>KẾ HOẠCH</w:t></w:r>' + REF)),
                        ('word/footnotes.xml', FN % (W, 'chú ' * (300 << 10)))])
# a footnote of 200 KiB referenced 100 times: its text is attached once
docx('notes-repeat.docx', [('word/document.xml', DOC.replace('<w:t>KẾ HOẠCH</w:t></w:r>',
                                                              '<w:t>KẾ HOẠCH</w:t></w:r>' + REF * 100)),
                           ('word/footnotes.xml', FN % (W, 'ghi ' * (50 << 10)))])
# four parts of 5 MiB each (whitespace after the root): 20 MiB of XML in all
PAD = ' ' * (5 << 20)
docx('parts-big.docx', [('word/document.xml', DOC + PAD),
                        ('word/footnotes.xml', '<w:footnotes %s/>%s' % (W, PAD)),
                        ('word/styles.xml', '<w:styles %s/>%s' % (W, PAD)),
                        ('word/numbering.xml', '<w:numbering %s/>%s' % (W, PAD))])
# 1.1 million empty elements (4.4 MB): a tree of 130 MB and more
docx('nodes.docx', [('word/document.xml', DOC.replace('</w:body>', '<a/>' * 1100000 + '</w:body>'))])
# a DOCTYPE with entities in UTF-16, where no "<!D" byte sequence shows it
DTD = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY a "chữ">]>'
       '<w:document %s><w:body><w:p><w:r><w:t>&a;</w:t></w:r></w:p></w:body></w:document>' % W)
docx('entity-utf16.docx', [('word/document.xml', DTD.encode('utf-16'))])
# a style based on itself with 100,000 children, used by 300 paragraphs; a
# numbering level list of 100,000 children used by them too
SELF = ('<w:styles %s><w:style w:styleId="A">%s<w:basedOn w:val="A"/><w:pPr><w:numPr>'
        '<w:numId w:val="1"/></w:numPr></w:pPr></w:style></w:styles>' % (W, '<w:x/>' * 100000))
NUMS = ('<w:numbering %s><w:abstractNum w:abstractNumId="0">%s<w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="%%1."/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/>'
        '</w:num></w:numbering>' % (W, '<w:x/>' * 100000))
docx('style-cycle.docx', [('word/document.xml', DOC.replace(
    '</w:body>', '<w:p><w:pPr><w:pStyle w:val="A"/></w:pPr><w:r><w:t>đoạn văn bản</w:t></w:r></w:p>' * 300
    + '</w:body>')), ('word/styles.xml', SELF), ('word/numbering.xml', NUMS)])
# 1000 braces of height 1e300 pt over 2000 paragraphs
WPNS = ('xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"')
BRACE = ('<w:drawing><wp:anchor %s><wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset>'
         '</wp:positionV><wp:extent cx="1" cy="1e300"/><a:prstGeom prst="rightBrace"/></wp:anchor></w:drawing>'
         % WPNS)
docx('braces.docx', [('word/document.xml', DOC.replace(
    '</w:body>', '<w:p><w:r><w:t>neo</w:t>' + BRACE * 1000 + '</w:r></w:p>'
    + '<w:p><w:r><w:t>- nơi nhận</w:t></w:r></w:p>' * 2000 + '</w:body>'))])

odt('notes-big.odt', [('content.xml', ODT_CONTENT.replace(
    'Lời chú thích.', 'chú ' * (300 << 10)))])
odt('entity-utf16.odt', [('content.xml', ('<?xml version="1.0" encoding="UTF-16"?>'
                                          '<!DOCTYPE d [<!ENTITY a "x">]><office:document-content %s/>'
                                          % NS).encode('utf-16'))])
odt('nodes.odt', [('content.xml', ODT_CONTENT.replace('</office:text>', '<a/>' * 1100000 + '</office:text>'))])
# a paragraph style whose parent is itself, a list style of 300,000 children
ODT_SELF = ('<office:document-styles %s><office:styles>'
            '<style:style style:name="A" style:family="paragraph" style:parent-style-name="A"/>'
            '<text:list-style style:name="L">%s<text:list-level-style-number text:level="1" '
            'style:num-format="1" style:num-suffix="."/></text:list-style>'
            '</office:styles></office:document-styles>' % (NS, '<text:x/>' * 300000))
odt('style-cycle.odt', [('content.xml', ODT_CONTENT.replace(
    '</office:text>', '<text:list text:style-name="L">'
    + '<text:list-item><text:p text:style-name="A">mục văn bản</text:p></text:list-item>' * 5000
    + '</text:list></office:text>')), ('styles.xml', ODT_SELF)])
