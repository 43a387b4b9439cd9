/* common.js - what every page of the editor shares: the session (and its CSRF
 * token), calls to the API with errors shown in Vietnamese, and small helpers.
 * No framework, no build step: loaded with <script src="/static/common.js">. */
'use strict';

const PG = {
  session: null,

  /* Loads the session (making one on loopback); sends to the login form when
   * the server asks for a login. */
  async start() {
    const r = await fetch('/api/session', { credentials: 'same-origin' });
    PG.session = await r.json();
    if (PG.session.login_required && !PG.session.user) {
      PG.showLogin();
      return false;
    }
    return true;
  },

  /* Calls the API. body: an object (sent as JSON), a string (sent as XML), or
   * undefined. Returns {status, headers, data}; data is parsed JSON when the
   * answer is JSON, else text. Never throws for an HTTP status. */
  async api(method, url, body, headers = {}) {
    const h = Object.assign({}, headers);
    if (method !== 'GET' && method !== 'HEAD' && PG.session)
      h['X-CSRF-Token'] = PG.session.csrf;
    let payload;
    if (typeof body === 'string') {
      payload = body;
      h['Content-Type'] = 'application/xml; charset=utf-8';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['Content-Type'] = 'application/json; charset=utf-8';
    }
    let r;
    try {
      r = await fetch(url, { method, headers: h, body: payload, credentials: 'same-origin' });
    } catch (e) {
      return { status: 0, headers: new Headers(), data: { error: 'Không kết nối được máy chủ plangen.' } };
    }
    const type = r.headers.get('Content-Type') || '';
    let data = null;
    if (method !== 'HEAD')
      data = type.startsWith('application/json') ? await r.json() : await r.text();
    if (r.status === 401 && PG.session && PG.session.login_required)
      PG.showLogin();
    return { status: r.status, headers: r.headers, data };
  },

  /* Fetches url (a GET of a file to download: PDF, DOCX) and, when it answers
   * 200, saves it under the name its Content-Disposition gives (else name).
   * Returns {status, name, data}: data is the parsed JSON of a refusal, or
   * null. status 0: no answer. */
  async download(url, name) {
    let r;
    try { r = await fetch(url, { credentials: 'same-origin' }); } catch (e) { return { status: 0, name, data: null }; }
    if (r.status !== 200) {
      let data = null;
      try { data = await r.json(); } catch (e) { /* not JSON */ }
      return { status: r.status, name, data };
    }
    const m = /filename="?([^";]+)"?/.exec(r.headers.get('Content-Disposition') || '');
    const file = m ? m[1] : name;
    const href = URL.createObjectURL(await r.blob());
    const a = PG.el('a', { href, download: file });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 10000);
    return { status: 200, name: file, data: null };
  },

  /* The path of a plan as a query parameter. */
  q(path) { return '?path=' + encodeURIComponent(path); },

  /* Builds an element: el('button', {type: 'button', onclick: f}, 'Lưu'). */
  el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (k === 'class') e.className = v;
      else if (k in e && typeof v !== 'string') e[k] = v;
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  },

  /* A message in the page's status line (role=status, read by screen readers). */
  say(text, kind = 'info') {
    let s = document.getElementById('pg-status');
    if (!s) {
      s = PG.el('div', { id: 'pg-status', role: 'status', 'aria-live': 'polite' });
      document.body.prepend(s);
    }
    s.textContent = text;
    s.dataset.kind = kind;
  },

  /* The login form, over the page. */
  showLogin() {
    if (document.getElementById('pg-login')) return;
    const user = PG.el('input', { id: 'pg-login-user', name: 'user', autocomplete: 'username', required: true });
    const pass = PG.el('input', { id: 'pg-login-pass', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
    const msg = PG.el('p', { class: 'error', role: 'alert' });
    const form = PG.el('form', { id: 'pg-login', class: 'dialog' },
      PG.el('h2', {}, 'Đăng nhập'),
      PG.el('label', { for: 'pg-login-user' }, 'Tên đăng nhập'), user,
      PG.el('label', { for: 'pg-login-pass' }, 'Mật khẩu'), pass,
      msg,
      PG.el('button', { type: 'submit' }, 'Đăng nhập'));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const r = await PG.api('POST', '/api/login', { user: user.value, password: pass.value });
      if (r.status === 200) {
        location.reload();
      } else {
        msg.textContent = (r.data && r.data.error) || 'Đăng nhập không thành công.';
      }
    });
    document.body.append(form);
    user.focus();
  },
};
