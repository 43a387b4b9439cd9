#!/usr/bin/env python3
"""rng2rnc.py - plan.rng (RELAX NG, XML syntax: the one source of the schema)
written in the compact syntax, plan.rnc, for the editors that read only that
(Emacs nXML); each a:documentation becomes ## lines before its pattern, each
XML comment # lines. Python 3, standard library only.

  rng2rnc.py plan.rng plan.rnc        write plan.rnc
  rng2rnc.py --check plan.rng plan.rnc
                                      exit 1 when plan.rnc is not what plan.rng
                                      gives now, or when an element or attribute
                                      of plan.rng is missing from it, or stands
                                      there without its documentation
  rng2rnc.py --same A.rng B.rng       exit 1 when the two schemas differ once
                                      normalised (comments, layout, inherited ns
                                      and datatypeLibrary, implicit groups, the
                                      wrapping of documentation): compares
                                      plan.rng with what trang reads back from
                                      plan.rnc

Handles the RELAX NG that plan.rng uses and the rest of the common patterns
(group, interleave, mixed, list, notAllowed, parentRef, data with except); it
stops with a message on anything else (include, externalRef, name classes,
foreign attributes) rather than write a schema that means something else.
"""
import re
import sys
import xml.etree.ElementTree as ET

RNG = 'http://relaxng.org/ns/structure/1.0'
ANN = 'http://relaxng.org/ns/compatibility/annotations/1.0'
XSD = 'http://www.w3.org/2001/XMLSchema-datatypes'
DOC = '{%s}documentation' % ANN
WIDTH = 72  # a pattern up to this many characters stays on one line

# the compact syntax's keywords: a name spelled like one takes a backslash
KEYWORDS = {'attribute', 'default', 'datatypes', 'div', 'element', 'empty', 'external',
            'grammar', 'include', 'inherit', 'list', 'mixed', 'namespace', 'notAllowed',
            'parent', 'start', 'string', 'text', 'token'}


class Unsupported(Exception):
    pass


def local(node):
    """The RELAX NG element's local name; foreign elements are refused."""
    if not isinstance(node.tag, str):
        return None
    if not node.tag.startswith('{%s}' % RNG):
        raise Unsupported('foreign element %s' % node.tag)
    return node.tag[len(RNG) + 2:]


def load(path):
    """The schema's root element, comments kept, and the comment before it (or '')."""
    with open(path, encoding='utf-8') as f:
        text = f.read()
    builder = ET.TreeBuilder(insert_comments=True)
    parser = ET.XMLParser(target=builder)
    parser.feed(text)
    root = parser.close()
    head = ''
    prolog = text[:text.find('<grammar')] if '<grammar' in text else ''
    m = re.search(r'<!--(.*?)-->', prolog, re.S)
    if m:
        head = m.group(1)
    return root, head


def ident(name):
    if not re.fullmatch(r'[A-Za-z_][\w.\-]*', name):
        raise Unsupported('name %r' % name)
    return '\\' + name if name in KEYWORDS else name


def literal(s):
    """A compact-syntax string literal. The compact syntax reads \\x{...} as an
    escape everywhere, so a backslash before x{ is refused."""
    if '\\x{' in s:
        raise Unsupported('\\x{ in %r' % s)
    if '\n' in s:
        raise Unsupported('a line break in %r' % s)
    if '"' not in s:
        return '"%s"' % s
    if "'" not in s:
        return "'%s'" % s
    return '"""%s"""' % s


def comment_lines(text, mark):
    """A comment's or documentation's lines, each starting with mark ('#' or '##')."""
    lines = text.strip('\n').split('\n')
    # the common indentation of the continuation lines goes (XML comments are indented)
    rest = [l for l in lines[1:] if l.strip()]
    cut = min((len(l) - len(l.lstrip(' ')) for l in rest), default=0)
    out = []
    for i, line in enumerate(lines):
        line = (line.strip() if i == 0 else line[cut:].rstrip())
        if '\\x{' in line:
            raise Unsupported('\\x{ in a comment')
        out.append(mark + (' ' + line if line else ''))
    return out


class Writer:
    def __init__(self, root):
        self.root = root

    # --- the parts of a pattern -----------------------------------------------------

    @staticmethod
    def docs(node):
        return [c.text or '' for c in node if c.tag == DOC]

    @staticmethod
    def patterns(node):
        """(comments before it, child) for each pattern child."""
        out, pending = [], []
        for c in node:
            if c.tag is ET.Comment:
                pending.append(c.text or '')
            elif c.tag == DOC:
                continue
            else:
                local(c)
                out.append((pending, c))
                pending = []
        if pending:  # a comment after the last pattern stays, before its end
            out.append((pending, None))
        return out

    def lead(self, node, ind):
        """The documentation of node as ## lines, each followed by the indentation."""
        s = ''
        for d in self.docs(node):
            for line in comment_lines(d, '##'):
                s += line + '\n' + '  ' * ind
        return s

    # --- patterns ---------------------------------------------------------------------

    def pattern(self, node, ind, nested):
        """node in the compact syntax, its documentation first; nested: it stands
        inside a group, choice or postfix operator (a combination takes
        parentheses there)."""
        return self.lead(node, ind) + self.core(node, ind, nested)

    def combine(self, items, sep, ind, nested):
        """The items (comments, node) joined by sep (',', '|', '&')."""
        if len(items) == 1 and items[0][1] is not None and not items[0][0]:
            # one pattern: no operator, no parentheses of its own
            return self.pattern(items[0][1], ind, nested)
        parts = []
        for comments, n in items:
            cs = [l for c in comments for l in comment_lines(c, '#')]
            parts.append((cs, self.pattern(n, ind, True) if n is not None else None))
        real = [p for p in parts if p[1] is not None]
        one_line = ((' %s ' % sep) if sep != ',' else ', ').join(p[1] for p in real)
        if (not any(p[0] for p in parts) and '\n' not in one_line and len(one_line) <= WIDTH
                and not nested):
            return one_line
        if (not any(p[0] for p in parts) and '\n' not in one_line and len(one_line) <= WIDTH
                and nested):
            return '(' + one_line + ')'
        pad = '  ' * ind
        lines = []
        for i, (cs, text) in enumerate(parts):
            for c in cs:
                lines.append(c)
            if text is None:
                continue
            # the operator ends the line: a ## line may stand only at a line's start
            last = all(p[1] is None for p in parts[i + 1:])
            lines.append(text + ('' if last else (',' if sep == ',' else ' ' + sep)))
        body = ('\n' + pad).join(lines)
        if nested:
            return '(\n' + pad + body + '\n' + '  ' * (ind - 1) + ')'
        return body

    def block(self, keyword, node, ind):
        """element NAME { ... }, attribute NAME { ... }, list { ... }, mixed { ... }."""
        items = self.patterns(node)
        if not [i for i in items if i[1] is not None]:
            if keyword.startswith('attribute'):
                return keyword + ' { text }'
            raise Unsupported('%s without a pattern' % keyword)
        inner = self.combine(items, ',', ind + 1, False)
        if '\n' not in inner and len(inner) <= WIDTH:
            return '%s { %s }' % (keyword, inner)
        return '%s {\n%s%s\n%s}' % (keyword, '  ' * (ind + 1), inner, '  ' * ind)

    def core(self, node, ind, nested):
        t = local(node)
        for k in node.attrib:
            if k not in ('name', 'type', 'datatypeLibrary', 'ns', 'combine'):
                raise Unsupported('attribute %s on %s' % (k, t))
        if t == 'element':
            if 'name' not in node.attrib:
                raise Unsupported('an element without a name attribute')
            return self.block('element ' + ident(node.get('name')), node, ind)
        if t == 'attribute':
            if 'name' not in node.attrib or node.get('ns'):
                raise Unsupported('an attribute name class')
            return self.block('attribute ' + ident(node.get('name')), node, ind)
        if t in ('list', 'mixed'):
            return self.block(t, node, ind)
        if t in ('optional', 'zeroOrMore', 'oneOrMore'):
            op = {'optional': '?', 'zeroOrMore': '*', 'oneOrMore': '+'}[t]
            items = self.patterns(node)
            if len(items) == 1 and items[0][1] is not None and not items[0][0]:
                return self.pattern(items[0][1], ind, True) + op
            return self.combine(items, ',', ind + 1, True) + op
        if t in ('group', 'choice', 'interleave'):
            sep = {'group': ',', 'choice': '|', 'interleave': '&'}[t]
            return self.combine(self.patterns(node), sep, ind + 1 if nested else ind, nested)
        if t == 'ref':
            return ident(node.get('name'))
        if t == 'parentRef':
            return 'parent ' + ident(node.get('name'))
        if t in ('text', 'empty', 'notAllowed'):
            return t
        if t == 'value':
            lib = self.library(node)
            typ = node.get('type')
            if typ is None:
                return literal(node.text or '')
            return '%s %s' % (self.datatype(lib, typ), literal(node.text or ''))
        if t == 'data':
            s = self.datatype(self.library(node), node.get('type'))
            params = [c for c in node if isinstance(c.tag, str) and local(c) == 'param']
            if params:
                s += ' { ' + ' '.join('%s = %s' % (p.get('name'), literal(p.text or ''))
                                      for p in params) + ' }'
            excepts = [c for c in node if isinstance(c.tag, str) and local(c) == 'except']
            for e in excepts:
                s += ' - ' + self.combine(self.patterns(e), '|', ind + 1, True)
            return s
        raise Unsupported('<%s>' % t)

    def library(self, node):
        """The datatypeLibrary in force at node (inherited from its ancestors)."""
        parents = {c: p for p in self.root.iter() for c in p}
        n = node
        while n is not None:
            if 'datatypeLibrary' in n.attrib:
                return n.get('datatypeLibrary')
            n = parents.get(n)
        return ''

    @staticmethod
    def datatype(lib, typ):
        if lib == XSD:
            return 'xsd:' + typ
        if lib == '' and typ in ('string', 'token'):
            return typ
        raise Unsupported('datatype library %r' % lib)

    # --- the grammar ------------------------------------------------------------------

    def grammar(self, head, source):
        root = self.root
        if local(root) != 'grammar':
            raise Unsupported('a schema whose root is not <grammar>')
        out = ['# %s - GENERATED from %s by rng2rnc.py: do not edit it; edit %s and run' %
               (re.sub(r'\.rng$', '.rnc', source), source, source),
               '#   python3 templates/schema/rng2rnc.py templates/schema/%s templates/schema/%s' %
               (source, re.sub(r'\.rng$', '.rnc', source)),
               '# (tests/run_schema.sh fails when this file differs from what it writes).']
        if head:
            out.append('#')
            out += comment_lines(head, '#')
        out.append('')
        ns = root.get('ns')
        if ns is not None:
            out.append('default namespace = %s' % literal(ns))
        lib = root.get('datatypeLibrary', '')
        if lib not in ('', XSD):
            raise Unsupported('datatype library %r' % lib)
        out.append('')
        pending = []
        for c in root:
            if c.tag is ET.Comment:
                pending.append(c.text or '')
                continue
            t = local(c)
            for text in pending:
                out += comment_lines(text, '#')
            pending = []
            if t == 'start':
                name = 'start'
            elif t == 'define':
                name = ident(c.get('name'))
            else:
                raise Unsupported('<%s> in <grammar>' % t)
            op = {None: '=', 'choice': '|=', 'interleave': '&='}.get(c.get('combine'))
            if op is None:
                raise Unsupported('combine=%r' % c.get('combine'))
            lead = self.lead(c, 0)
            body = self.combine(self.patterns(c), ',', 1, False)
            if '\n' not in body and len(body) <= WIDTH and not body.startswith('##'):
                out.append('%s%s %s %s' % (lead, name, op, body))
            else:
                out.append('%s%s %s\n  %s' % (lead, name, op, body))
            out.append('')
        for text in pending:
            out += comment_lines(text, '#')
        return '\n'.join(out).rstrip('\n') + '\n'


def convert(rng_path):
    root, head = load(rng_path)
    name = rng_path.replace('\\', '/').rsplit('/', 1)[-1]
    return Writer(root).grammar(head, name)


# --- checks -------------------------------------------------------------------------


def norm_doc(text):
    """Documentation as paragraphs of single-spaced words (wrapping is layout)."""
    paras = re.split(r'\n[ \t]*\n', text.strip())
    return '\n\n'.join(' '.join(p.split()) for p in paras if p.strip())


def normalise(path):
    """The schema as nested tuples, equal for two schemas that mean the same and
    carry the same documentation."""
    root, _ = load(path)

    def walk(n, ns, lib):
        t = local(n)
        ns = n.get('ns', ns)
        lib = n.get('datatypeLibrary', lib)
        attrs = {}
        if t in ('element', 'attribute'):
            attrs['name'] = n.get('name')
            attrs['ns'] = ns if t == 'element' else n.get('ns', '')
        elif t in ('define', 'ref', 'parentRef', 'param'):
            attrs['name'] = n.get('name')
        if t == 'define' and n.get('combine'):
            attrs['combine'] = n.get('combine')
        if t == 'data':
            attrs.update(type=n.get('type'), lib=lib)
        if t == 'value':
            # RELAX NG 4.4: a value without type is the built-in token
            if n.get('type') is None:
                attrs.update(type='token', lib='')
            else:
                attrs.update(type=n.get('type'), lib=lib)
            attrs['text'] = n.text or ''
        if t == 'param':
            attrs['text'] = n.text or ''
        doc = tuple(norm_doc(c.text or '') for c in n if c.tag == DOC)
        kids = [walk(c, ns, lib) for c in n
                if isinstance(c.tag, str) and c.tag != DOC]
        if t == 'attribute' and not kids:
            kids = [('text', (), (), ())]
        # implicit groups made explicit, one-member groups and choices dropped, nested
        # groups and choices flattened
        if t in ('element', 'attribute', 'define', 'start', 'optional', 'zeroOrMore',
                 'oneOrMore', 'list', 'mixed', 'except') and len(kids) > 1 and t != 'element':
            kids = [('group', (), (), tuple(kids))]
        if t == 'element' and len(kids) > 1:
            kids = [('group', (), (), tuple(kids))]
        if t in ('group', 'choice', 'interleave'):
            flat = []
            for k in kids:
                if k[0] == t and not k[2]:
                    flat.extend(k[3])
                else:
                    flat.append(k)
            kids = flat
        node = (t, tuple(sorted(attrs.items())), doc, tuple(kids))
        if t in ('group', 'choice', 'interleave') and len(kids) == 1 and not doc:
            return kids[0]
        return node

    top = walk(root, '', '')
    # the order of the definitions is no part of the meaning
    return (top[0], top[1], top[2], tuple(sorted(top[3], key=repr)))


def first_difference(a, b, path='grammar'):
    if a[:3] != b[:3]:
        return '%s: %r against %r' % (path, a[:3], b[:3])
    for i, (x, y) in enumerate(zip(a[3], b[3])):
        d = first_difference(x, y, '%s/%s[%d]' % (path, x[0], i))
        if d:
            return d
    if len(a[3]) != len(b[3]):
        return '%s: %d against %d children' % (path, len(a[3]), len(b[3]))
    return None


def check(rng_path, rnc_path):
    """Messages: plan.rnc differs from what plan.rng gives, or misses an element,
    an attribute or its documentation."""
    problems = []
    want = convert(rng_path)
    with open(rnc_path, encoding='utf-8') as f:
        have = f.read()
    if have != want:
        for i, (x, y) in enumerate(zip(have.split('\n'), want.split('\n')), 1):
            if x != y:
                problems.append('%s:%d differs from what %s gives: %r, expected %r: run '
                                'templates/schema/rng2rnc.py' % (rnc_path, i, rng_path, x, y))
                break
        else:
            problems.append('%s differs from what %s gives (its length): run '
                            'templates/schema/rng2rnc.py' % (rnc_path, rng_path))
    # every element and attribute, each preceded by its documentation
    root, _ = load(rng_path)
    flat = re.sub(r'\s+', ' ', have)
    for n in root.iter():
        if n.tag not in ('{%s}element' % RNG, '{%s}attribute' % RNG):
            continue
        kind, name = local(n), n.get('name')
        docs = [c.text or '' for c in n if c.tag == DOC]
        if not docs:
            problems.append('%s: %s %s has no a:documentation' % (rng_path, kind, name))
            continue
        words = ' '.join(' '.join(l[2:].strip() for l in comment_lines(d, '##'))
                         for d in docs)
        doc = ' '.join(' '.join(l.split()) for d in docs for l in comment_lines(d, '##'))
        if '%s %s' % (kind, ident(name)) not in flat:
            problems.append('%s: no %s %s' % (rnc_path, kind, name))
        elif '%s %s %s' % (doc, kind, ident(name)) not in flat:
            problems.append('%s: %s %s stands without its documentation (%s...)' %
                            (rnc_path, kind, name, words[:60]))
    return problems


def main(argv):
    try:
        if len(argv) == 3 and argv[0] == '--check':
            problems = check(argv[1], argv[2])
            for p in problems[:10]:
                print(p, file=sys.stderr)
            if len(problems) > 10:
                print('... and %d more' % (len(problems) - 10), file=sys.stderr)
            return 1 if problems else 0
        if len(argv) == 3 and argv[0] == '--same':
            d = first_difference(normalise(argv[1]), normalise(argv[2]))
            if d:
                print('%s and %s differ: %s' % (argv[1], argv[2], d), file=sys.stderr)
                return 1
            return 0
        if len(argv) == 2:
            text = convert(argv[0])
            with open(argv[1], 'w', encoding='utf-8') as f:
                f.write(text)
            return 0
    except Unsupported as e:
        print('rng2rnc.py: %s is not supported: write the schema otherwise or teach '
              'rng2rnc.py' % e, file=sys.stderr)
        return 2
    print(__doc__.split('\n\n')[1], file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
