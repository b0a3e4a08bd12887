// The gossip dashboard: plain browser JavaScript, no build step, no network beyond this agent.
// State comes from the agent's JSON API (/v1); the /v1/events stream (SSE) says when to refresh and fills the timeline.
'use strict';
(function () {
  const $ = (sel) => document.querySelector(sel);
  const STATES = ['alive', 'suspect', 'dead', 'left'];
  const MAX_TIMELINE = 300;
  const state = { self: '', demo: false, members: [], demoNodes: [], kv: [], digest: '', health: null, pulses: new Set() };
  // Members no longer listed (memberlist reaps dead and left members): kept in view, with when they went.
  const DEPARTED_KEEP_MS = 3600 * 1000;
  const departed = new Map();
  const lastSeen = new Map();
  // Membership events per member (from the replayed history and the live stream), for the detail panel.
  const memberEvents = new Map();
  const MAX_MEMBER_EVENTS = 50;
  let selected = null;

  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  const byName = (a, b) => a.localeCompare(b, 'en', { numeric: true });
  const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour12: false }) + '.' + String(new Date(ms).getMilliseconds()).padStart(3, '0').slice(0, 1);
  const dur = (ms) => {
    const s = ms / 1000;
    return s < 60 ? `${s.toFixed(0)}s` : s < 3600 ? `${Math.floor(s / 60)}m` : `${Math.floor(s / 3600)}h`;
  };
  const ago = (ms) => {
    const s = Math.max(0, (Date.now() - ms) / 1000);
    return s < 60 ? `${s.toFixed(0)}s ago` : s < 3600 ? `${Math.floor(s / 60)}m ago` : `${Math.floor(s / 3600)}h ago`;
  };

  async function getJson(path) {
    const res = await fetch(path, { cache: 'no-store' });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return res.json();
  }

  async function refresh() {
    try {
      const [health, members, kv] = await Promise.all([getJson('/v1/health'), getJson('/v1/members'), getJson('/v1/kv')]);
      state.health = health;
      state.self = health.node;
      state.demo = health.demo;
      const now = Date.now();
      for (const m of members) m.stateSince = now - m.stateAgeMs;
      const listed = new Set(members.map((m) => m.name));
      for (const [name, row] of lastSeen) if (!listed.has(name) && !departed.has(name)) departed.set(name, { ...row, goneAt: now });
      for (const m of members) {
        lastSeen.set(m.name, m);
        departed.delete(m.name);
      }
      for (const [name, row] of departed) if (now - row.goneAt > DEPARTED_KEEP_MS) departed.delete(name);
      state.members = members;
      state.kv = kv.items;
      state.digest = kv.digest;
      state.demoNodes = state.demo ? (await getJson('/v1/demo')).nodes : [];
      render();
    } catch (err) {
      setConn('down', 'agent unreachable');
    }
  }

  let pending = 0;
  function refreshSoon() {
    if (pending) return;
    pending = setTimeout(() => { pending = 0; void refresh(); }, 80);
  }

  // ---- rendering ----
  function rows() {
    const map = new Map(state.members.map((m) => [m.name, { ...m }]));
    for (const [name, row] of departed) if (!map.has(name)) map.set(name, { ...row, gone: true });
    for (const d of state.demoNodes) {
      const row = map.get(d.name) || { name: d.name, addr: d.gossip.split(':')[0], port: Number(d.gossip.split(':')[1]), state: 'stopped', incarnation: '' };
      row.demo = d;
      if (!d.running && row.state === 'alive') row.state = 'alive'; // not noticed yet: that is the point
      map.set(d.name, row);
    }
    return [...map.values()].sort((a, b) => byName(a.name, b.name));
  }

  function render() {
    document.body.classList.toggle('demo', state.demo);
    $('#demo-badge').classList.toggle('hidden', !state.demo);
    $('#self-name').textContent = state.self;
    document.title = `gossip · ${state.self}`;
    const counts = { alive: 0, suspect: 0, dead: 0, left: 0 };
    for (const m of state.members) counts[m.state]++;
    for (const s of STATES) $(`#count-${s}`).textContent = counts[s];
    const h = state.health ? state.health.healthScore : '–';
    $('#health').textContent = h;
    $('#health').className = 'value ' + (h === 0 ? 'alive' : h === '–' ? '' : 'suspect');
    $('#count-keys').textContent = state.kv.length;
    $('#digest').textContent = `digest ${state.digest}`;
    renderSummary(counts);
    renderMembers();
    renderRing();
    renderKv();
    renderDetail();
  }

  function renderSummary(counts) {
    const total = counts.alive + counts.suspect + counts.dead + counts.left;
    const h = state.health ? state.health.healthScore : 0;
    let level = 'healthy';
    let title = 'Cluster healthy';
    if (counts.dead > 0 || h >= 4) [level, title] = ['failing', counts.dead > 0 ? `${counts.dead} member${counts.dead > 1 ? 's' : ''} failed` : 'This node is struggling'];
    else if (counts.suspect > 0 || h > 0) [level, title] = ['degraded', counts.suspect > 0 ? `${counts.suspect} suspect` : 'This node is degraded'];
    const parts = [`${counts.alive} of ${total} alive`, `health score ${h} (0 is healthy)`];
    if (counts.left > 0) parts.push(`${counts.left} left`);
    if (departed.size > 0) parts.push(`${departed.size} gone from the member list`);
    if (state.demo) {
      const running = state.demoNodes.filter((d) => d.running);
      const same = running.filter((d) => d.digest === state.digest).length;
      parts.push(same === running.length ? 'replicas identical' : `${running.length - same} replica(s) differ`);
    }
    $('#summary').dataset.level = level;
    $('#summary-title').textContent = title;
    $('#summary-text').textContent = ` · ${parts.join(' · ')}`;
  }

  function matches(m) {
    const status = $('#filter-status').value;
    if (status && m.state !== status) return false;
    const q = $('#filter-search').value.trim().toLowerCase();
    if (!q) return true;
    const tags = Object.entries(m.tags || {}).map(([k, v]) => `${k}=${v}`.toLowerCase());
    return m.name.toLowerCase().includes(q) || tags.some((t) => t.includes(q));
  }

  const tagsHtml = (tags) => Object.entries(tags || {}).map(([k, v]) => `<span class="tag">${esc(k)}=${esc(v)}</span>`).join(' ') || '<span class="muted">–</span>';
  const metaText = (m) => (m.metaEncoding === 'base64' ? `base64:${m.meta}` : m.meta || '');
  const timeOf = (ms) => new Date(ms).toLocaleTimeString([], { hour12: false });

  function renderMembers() {
    const tbody = $('#members-table tbody');
    const all = rows();
    const shown = all.filter(matches);
    $('#filter-count').textContent = shown.length === all.length ? `${all.length} members` : `${shown.length} of ${all.length} members`;
    const html = shown.map((m) => {
      const st = m.state;
      const addr = m.addr ? `${m.addr}:${m.port}` : '';
      const link = m.http && m.name !== state.self ? ` <a class="muted" href="http://${esc(m.http)}/" title="open ${esc(m.name)}'s own view">↗</a>` : '';
      let replica = '';
      let action = '';
      if (m.demo) {
        if (m.demo.running) {
          const same = m.demo.digest === state.digest;
          replica = `<span class="replica ${same ? 'same' : 'diff'}" title="replica digest ${esc(m.demo.digest)} (${m.demo.keys} keys)">${same ? '✓ same' : '≠ ' + esc(m.demo.digest.slice(0, 6))}</span>`;
          const self = m.name === state.self;
          action = `<button class="kill" data-action="kill" data-name="${esc(m.name)}" ${self ? 'disabled title="this node serves the dashboard: open another node\'s view to kill it"' : ''}>Kill</button>`;
        } else {
          replica = '<span class="muted">down</span>';
          action = `<button class="revive" data-action="revive" data-name="${esc(m.name)}">Revive</button>`;
        }
      }
      const cls = [m.name === state.self ? 'self' : '', state.pulses.has(m.name) ? 'flash' : '', m.name === selected ? 'selected' : '', m.gone ? 'gone' : ''].join(' ');
      // Health is local knowledge: our own score, and in demo mode every in-process node's.
      const health = m.name === state.self && state.health ? state.health.healthScore : m.demo && m.demo.running ? m.demo.healthScore : undefined;
      const healthCell = health === undefined ? '<span class="muted">–</span>' : `<span class="health ${health === 0 ? 'ok' : 'bad'}">${health}</span>`;
      // Dead and left members show when they got there; reaped ones, that they are gone from the list.
      const since = m.gone
        ? `<span class="since" title="no longer in the member list since ${esc(timeOf(m.goneAt))}">since ${esc(timeOf(m.stateSince))} · reaped</span>`
        : typeof m.stateAgeMs === 'number'
          ? `<span class="since">${st === 'dead' || st === 'left' ? `since ${esc(timeOf(m.stateSince))}` : dur(m.stateAgeMs)}</span>`
          : '';
      const meta = metaText(m);
      const shortMeta = meta.length > 24 ? meta.slice(0, 24) + '…' : meta;
      const rtt = typeof m.rttMs === 'number' ? `${m.rttMs} ms` : '<span class="muted">–</span>';
      return `<tr data-name="${esc(m.name)}" data-state="${esc(st)}" class="${cls}">
        <td class="mono">${esc(m.name)}${link}</td>
        <td class="mono col-addr">${esc(addr)}</td>
        <td><span class="pill ${esc(st)}">${esc(st)}</span>${since}</td>
        <td class="tags">${tagsHtml(m.tags)}</td>
        <td class="mono col-meta" title="${esc(meta)}">${esc(shortMeta) || '<span class="muted">–</span>'}</td>
        <td class="num col-inc">${esc(m.incarnation)}</td>
        <td class="num">${healthCell}</td>
        <td class="num col-rtt">${rtt}</td>
        <td class="demo-only">${replica}</td>
        <td class="demo-only">${action}</td></tr>`;
    }).join('');
    tbody.innerHTML = html;
    state.pulses.clear();
  }

  function renderRing() {
    const svg = $('#ring');
    const list = rows();
    const n = Math.max(list.length, 1);
    const cx = 110, cy = 110, r = 78;
    let out = `<circle class="ring-line" cx="${cx}" cy="${cy}" r="${r}"/>`;
    const alive = list.filter((m) => m.state === 'alive').length;
    out += `<text class="center" x="${cx}" y="${cy + 4}">${alive}/${list.length}</text><text class="center-sub" x="${cx}" y="${cy + 20}">alive</text>`;
    list.forEach((m, i) => {
      const a = (2 * Math.PI * i) / n - Math.PI / 2;
      const x = cx + r * Math.cos(a), y = cy + r * Math.sin(a);
      const color = `var(--${STATES.includes(m.state) ? m.state : 'stopped'})`;
      const ly = y + (Math.sin(a) >= -0.2 ? 24 : -16);
      out += `<g class="node ${m.name === state.self ? 'self' : ''}"><circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="11" fill="${color}"/><text x="${x.toFixed(1)}" y="${ly.toFixed(1)}">${esc(m.name)}</text></g>`;
    });
    svg.innerHTML = out;
  }

  function renderKv() {
    const tbody = $('#kv-table tbody');
    tbody.innerHTML = state.kv.map((r) => `<tr data-key="${esc(r.key)}">
      <td class="mono">${esc(r.key)}</td>
      <td class="value">${esc(r.value)}</td>
      <td class="mono">${esc(r.stamp.node)}</td>
      <td class="muted" title="${esc(new Date(r.stamp.wall).toISOString())}">${ago(r.stamp.wall)}</td>
      <td><button class="link" data-delete="${esc(r.key)}" title="delete (writes a tombstone)">✕</button></td></tr>`).join('');
    $('#kv-empty').classList.toggle('hidden', state.kv.length > 0);
  }

  // ---- timeline ----
  function describe(e) {
    if (e.kind === 'member') {
      const m = e.member;
      const who = `<b>${esc(m.name)}</b>`;
      const inc = `<span class="sub">incarnation ${m.incarnation}</span>`;
      switch (e.type) {
        case 'join': return [`${who} joined ${inc}`, 'join'];
        case 'suspect': return [`${who} is suspected of failure ${inc}`, 'suspect'];
        case 'alive': return [`${who} refuted the suspicion ${inc}`, 'alive'];
        case 'dead': return [`${who} declared dead ${inc}`, 'dead'];
        case 'left': return [`${who} left the cluster`, 'left'];
        default: return [`${who} updated its metadata ${inc}`, 'update'];
      }
    }
    if (e.kind === 'kv') {
      const via = e.origin === 'local' ? 'written here' : `from ${esc(e.stamp.node)} via ${esc(e.origin)}`;
      const what = e.value === null ? `<b>${esc(e.key)}</b> deleted` : `<b>${esc(e.key)}</b> = ${esc(e.value.length > 60 ? e.value.slice(0, 60) + '…' : e.value)}`;
      return [`${what} <span class="sub">${via}</span>`, 'kv'];
    }
    return [esc(e.message), 'demo'];
  }

  function renderDetail() {
    const panel = $('#detail');
    const m = selected && rows().find((r) => r.name === selected);
    panel.classList.toggle('hidden', !m);
    if (!m) return;
    $('#detail-name').textContent = m.name;
    const health = m.name === state.self && state.health ? `${state.health.healthScore} (this node)` : m.demo && m.demo.running ? `${m.demo.healthScore} (in-process demo node)` : 'only known on that node';
    const facts = [
      ['state', `${m.state}${m.gone ? ' (reaped from the member list)' : ''}`],
      ['since', m.stateSince ? new Date(m.stateSince).toLocaleString() : '–'],
      ['address', m.addr ? `${m.addr}:${m.port}` : '–'],
      ['incarnation', String(m.incarnation)],
      ['last RTT', typeof m.rttMs === 'number' ? `${m.rttMs} ms, ${dur(m.probedAgoMs || 0)} ago (our probes)` : m.name === state.self ? 'this node' : 'no probe answered yet'],
      ['health score', health],
      ['tags', Object.entries(m.tags || {}).map(([k, v]) => `${k}=${v}`).join(', ') || '–'],
      ['metadata', metaText(m) || '–'],
      ['HTTP API', m.http || '–'],
    ];
    $('#detail-facts').innerHTML = facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('');
    const events = memberEvents.get(m.name) || [];
    const incs = [];
    for (const e of events) if (!incs.length || incs[incs.length - 1].incarnation !== e.member.incarnation) incs.push({ incarnation: e.member.incarnation, time: e.time, type: e.type });
    $('#detail-incarnations').innerHTML = incs.length
      ? incs.map((i) => `<li><span class="time">${clock(i.time)}</span> incarnation <b>${esc(i.incarnation)}</b> <span class="sub">(${esc(i.type)})</span></li>`).join('')
      : `<li class="muted">incarnation ${esc(m.incarnation)} (no change seen)</li>`;
    $('#detail-events').innerHTML = events.length
      ? events.slice(-10).reverse().map((e) => `<li><span class="time">${clock(e.time)}</span> ${describe(e)[0]}</li>`).join('')
      : '<li class="muted">none since this agent started</li>';
  }

  function addTimeline(e) {
    if (e.kind === 'member') {
      const list = memberEvents.get(e.member.name) || [];
      list.push(e);
      if (list.length > MAX_MEMBER_EVENTS) list.shift();
      memberEvents.set(e.member.name, list);
    }
    const [html, cls] = describe(e);
    const li = document.createElement('li');
    li.className = cls;
    li.dataset.kind = e.kind;
    li.innerHTML = `<span class="time">${clock(e.time)}</span><span class="icon"></span><span class="text">${html}</span>`;
    if (cls === 'kv' && !$('#show-kv').checked) li.classList.add('hidden');
    const list = $('#timeline');
    list.insertBefore(li, list.firstChild);
    while (list.children.length > MAX_TIMELINE) list.removeChild(list.lastChild);
    if (e.kind === 'member') state.pulses.add(e.member.name);
  }

  function setConn(kind, text) {
    $('#conn').className = `conn ${kind}`;
    $('#conn-text').textContent = text;
  }

  function connect() {
    const es = new EventSource('/v1/events');
    es.onopen = () => setConn('live', 'live');
    es.onerror = () => setConn('down', 'reconnecting…');
    for (const kind of ['member', 'kv', 'demo']) {
      es.addEventListener(kind, (msg) => {
        addTimeline(JSON.parse(msg.data));
        refreshSoon();
      });
    }
  }

  // ---- actions ----
  // State-changing requests carry the agent's API token when it has one (gossip agent --http-token): asked once,
  // on the first 401, and kept for this tab only.
  async function change(path, init) {
    const send = () => {
      const token = sessionStorage.getItem('gossip-token');
      return fetch(path, { ...init, headers: token ? { authorization: `Bearer ${token}` } : {} });
    };
    let res = await send();
    if (res.status === 401) {
      const token = prompt('This agent needs its API token (gossip agent --http-token):');
      if (token) {
        sessionStorage.setItem('gossip-token', token);
        res = await send();
      }
    }
    return res;
  }

  $('#kv-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const key = $('#kv-key').value.trim();
    const msg = $('#kv-msg');
    if (!key) return;
    try {
      const res = await change(`/v1/kv/${encodeURIComponent(key)}`, { method: 'PUT', body: $('#kv-value').value });
      const body = await res.json();
      if (!res.ok) throw new Error(body.error ? body.error.message : `HTTP ${res.status}`);
      msg.className = 'form-msg';
      msg.textContent = 'set ✓';
      $('#kv-value').value = '';
      refreshSoon();
    } catch (err) {
      msg.className = 'form-msg error';
      msg.textContent = err.message;
    }
  });

  document.addEventListener('click', async (ev) => {
    const target = ev.target.closest('button');
    if (!target) return;
    if (target.dataset.delete) {
      await change(`/v1/kv/${encodeURIComponent(target.dataset.delete)}`, { method: 'DELETE' });
      refreshSoon();
    } else if (target.dataset.action) {
      target.disabled = true;
      try {
        const res = await change(`/v1/demo/nodes/${encodeURIComponent(target.dataset.name)}/${target.dataset.action}`, { method: 'POST' });
        if (!res.ok) alert((await res.json()).error.message);
      } finally {
        refreshSoon();
      }
    }
  });

  $('#members-table').addEventListener('click', (ev) => {
    if (ev.target.closest('button, a')) return;
    const tr = ev.target.closest('tr[data-name]');
    if (!tr) return;
    selected = selected === tr.dataset.name ? null : tr.dataset.name;
    renderMembers();
    renderDetail();
  });
  $('#detail-close').addEventListener('click', () => {
    selected = null;
    renderMembers();
    renderDetail();
  });
  $('#filter-status').addEventListener('change', renderMembers);
  $('#filter-search').addEventListener('input', renderMembers);

  $('#show-kv').addEventListener('change', () => {
    for (const li of document.querySelectorAll('#timeline li.kv')) li.classList.toggle('hidden', !$('#show-kv').checked);
  });

  void refresh();
  connect();
  setInterval(refresh, 2000);
})();
