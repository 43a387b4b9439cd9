/* word.js - Word in the editor page: "Tải về Word" (GET /api/docx of the saved
 * plan, saving unsaved edits first), and the report of "Nhập từ Word" that the
 * home page leaves in sessionStorage ("pg-import:PATH", the answer of POST
 * /api/import): the word counts, what is left to fill and the recogniser's
 * warnings, in a panel the clerk dismisses. Loaded after editor.js (ED). */
'use strict';

const WORD = {
  /* What the recogniser asks to fill (import.c writes it in the server's
   * language: Vietnamese unless serve runs with --lang en), keyed by the plan
   * attribute or element it names, which both languages keep. */
  TODO_VI: [
    [/\(signature title=\)/, 'Chức vụ người ký (phần chữ ký)'],
    [/\(signature name=\)/, 'Họ tên người ký (phần chữ ký)'],
    [/\(plan style=\)/, 'Loại văn bản: của Đảng hay hành chính nhà nước'],
    [/\(issuer symbol=\)/, 'Ký hiệu cơ quan ban hành (như “Số 01-KH/ABC”)'],
    [/\(issuer\)/, 'Tên cơ quan ban hành'],
    [/\(number\)/, 'Số văn bản (để trống khi kế hoạch còn là dự thảo)'],
    [/\(place\)/, 'Địa danh'],
    [/\(date\): /, 'Ngày ban hành (đã điền tạm tháng của văn bản căn cứ mới nhất)'],
    [/\(date\)/, 'Ngày ban hành'],
    [/\(summary\)/, 'Trích yếu (dưới chữ “KẾ HOẠCH”)'],
    [/"Nơi nhận"$/, 'Nội dung kế hoạch (không thấy đoạn nào trước “Nơi nhận”)'],
  ],

  todoText(t) {
    const hit = WORD.TODO_VI.find(([rx]) => rx.test(t));
    return hit ? hit[1] : t;
  },

  number(n) { return Number(n || 0).toLocaleString('vi-VN'); },

  /* A message of a server started with --lang en: plain ASCII (every
   * Vietnamese message has a letter with a mark). */
  english(s) { return /^[\x20-\x7e]*$/.test(s || ''); },

  /* ---- "Tải về Word" -------------------------------------------------------- */

  async download() {
    if (ED.saving) { PG.say('Đang lưu; xin bấm “Tải về Word” lại sau giây lát.', 'warn'); return; }
    if (ED.dirty && !ED.readOnly) {
      // the DOCX is made from the file on disk: what the clerk sees must be there first
      PG.say('Đang lưu các thay đổi trước khi tạo bản Word…');
      await ED.save();
      if (ED.dirty) {
        PG.say('Chưa lưu được các thay đổi nên chưa tạo bản Word. Hãy lưu kế hoạch rồi bấm lại.', 'error');
        return;
      }
    }
    const warn = ED.dirty && ED.readOnly;
    PG.say('Đang tạo bản Word…');
    const r = await PG.download('/api/docx' + PG.q(ED.path), ED.path.split('/').pop().replace(/\.xml$/, '') + '.docx');
    if (r.status === 200) {
      PG.say('Đã tải ' + r.name + (warn ? ' (bản đã lưu; các thay đổi chưa lưu không có trong đó).' : '.'), warn ? 'warn' : 'ok');
      return;
    }
    const d = r.data || {};
    let msg = r.status === 0 ? 'Không kết nối được máy chủ plangen.' : d.error || 'Không tạo được bản Word (mã ' + r.status + ').';
    if (r.status === 422) {
      const first = (d.findings || []).find((f) => f.severity === 'error');
      msg = 'Kế hoạch đã lưu còn lỗi nên chưa tạo được bản Word' + (first ? ': ' + first.message + '.' : '.') +
        ' Xem phần “Kiểm tra” bên phải.';
    }
    PG.say(msg, 'error');
  },

  /* ---- the import report -------------------------------------------------- */

  key() { return 'pg-import:' + ED.path; },

  showReport() {
    let rep = null;
    try { rep = JSON.parse(sessionStorage.getItem(WORD.key()) || 'null'); } catch (e) { rep = null; }
    if (!rep || typeof rep !== 'object') return;
    const E = PG.el;
    const todo = Array.isArray(rep.todo) ? rep.todo : [];
    const warnings = Array.isArray(rep.warnings) ? rep.warnings : [];
    const same = rep.words_in === rep.words_out;
    const where = (n) => (n ? E('span', { class: 'where' }, 'đoạn ' + n + ' của tệp gốc: ') : null);
    const panel = document.getElementById('import-report');
    panel.replaceChildren(...[
      E('div', { class: 'bar' },
        E('h2', { id: 'import-report-h' }, 'Đã nhập kế hoạch từ “' + (rep.name || '') + '”'),
        E('button', { type: 'button', id: 'import-report-close', onclick: WORD.closeReport }, 'Đóng')),
      E('p', { id: 'import-words', 'data-in': rep.words_in, 'data-out': rep.words_out },
        'Số chữ: ', E('strong', {}, WORD.number(rep.words_in)), ' chữ trong tệp gốc, ',
        E('strong', {}, WORD.number(rep.words_out)), ' chữ trong kế hoạch',
        rep.marks ? ' (không tính ' + WORD.number(rep.marks) + ' số thứ tự, ký hiệu đầu dòng và chữ mà plangen tự in).' : '.',
        same ? ' Không mất chữ nào.'
          : E('span', { class: 'differ' }, ' Số chữ khác nhau: hãy so sánh với tệp gốc.')),
      E('h3', {}, todo.length ? 'Còn phải điền (' + todo.length + ')' : 'Không còn gì phải điền'),
      todo.length ? E('ul', { id: 'import-todo' }, ...todo.map((t) => {
        const vi = WORD.todoText(t.text || '');
        // not known here: the recogniser's own words, English under serve --lang en
        return E('li', {}, where(t.para), vi === t.text && /^fill in /.test(vi) ? E('span', { lang: 'en' }, vi) : vi);
      })) : null,
      warnings.length ? E('h3', {}, 'Đoạn giữ nguyên vì chưa nhận ra (' + warnings.length + ')') : null,
      warnings.length ? E('ul', { id: 'import-warnings' }, ...warnings.map((w) => E('li', {}, where(w.para),
        E('span', WORD.english(w.message) ? { lang: 'en' } : {}, (w.message || '') + (w.hint ? ': ' + w.hint : ''))))) : null,
      E('p', { class: 'help' }, 'Các chỗ cần điền có dấu [ ] trong kế hoạch; phần “Kiểm tra” bên phải chỉ tới từng chỗ.'),
    ].filter(Boolean));
    panel.hidden = false;
  },

  closeReport() {
    try { sessionStorage.removeItem(WORD.key()); } catch (e) { /* storage off */ }
    const panel = document.getElementById('import-report');
    panel.hidden = true;
    panel.replaceChildren();
    document.getElementById('docx').focus();
  },
};

(function wordMain() {
  if (!ED.path) return;
  document.getElementById('docx').addEventListener('click', WORD.download);
  WORD.showReport();
})();
