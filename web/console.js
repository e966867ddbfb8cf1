// rota console: loads the API documents, draws the page, asks again every refreshMs, and sends the admin
// actions. Modules: dom (elements), time (the roster zone), model (what to draw), timeline, panels.

import { $, fill, h } from './dom.js';
import { attemptKey, buildModel, buildRows } from './model.js';
import { markDetails, renderFailures, renderHeader, renderLegend } from './panels.js';
import { zoneClock } from './time.js';
import { createTimeline } from './timeline.js';

const HOUR_MS = 3_600_000;
const SCALES = [6, 12, 24, 48, 96, 192, 384];
const TOKEN_KEY = 'rota.adminToken';

const state = {
  about: null,
  status: null,
  plan: null,
  /** The full window is loaded (the first paint uses a few hours around now). */
  planFull: false,
  /** `revision@syncedAtMs` of the stored plan last loaded: a new sync means a new plan. */
  planStamp: '',
  attempts: new Map(),
  admin: new Map(),
  failed: [],
  /** Server clock minus ours. */
  offset: 0,
  fetchedAt: 0,
  /** When the last history page was asked for (our clock): the next one starts a little before. */
  historyAt: 0,
  stale: '',
  model: null,
  clock: null,
};

const now = () => Date.now() + state.offset;
let timeline;
/** The details pinned open by a click (with the actions), if any: `{ key, anchor }`. */
let pinned = null;
/** The element the tooltip or the pinned details sit beside. */
let tipAnchor = null;

async function getJson(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${path.split('?')[0]}: ${body.error ?? `HTTP ${response.status}`}`);
  return body;
}

function takeHistory(history) {
  for (const a of history.attempts) state.attempts.set(attemptKey(a), a);
  for (const e of history.admin) state.admin.set(`${e.at}|${e.verb}|${e.jobId ?? ''}|${e.agentId ?? ''}`, e);
  // What has scrolled out of the timeline's window is not kept (a console left open for days).
  const before = now() - 3 * 86_400_000;
  for (const [key, a] of state.attempts) if (a.startedAt < before) state.attempts.delete(key);
  for (const [key, e] of state.admin) if (e.at < before) state.admin.delete(key);
}

function takeStatus(status, askedAt) {
  state.status = status;
  state.offset = status.nowMs - (askedAt + Date.now()) / 2;
  state.fetchedAt = now();
}

/** The window the timeline spans: yesterday's midnight in the roster zone to the end of the horizon. */
function span() {
  if (state.planFull) return { from: state.plan.window.fromMs, to: state.plan.window.toMs };
  const today = state.clock.midnightOf(now());
  return { from: state.clock.midnightOf(today - HOUR_MS), to: now() + state.about.horizonMs };
}

// ---------------------------------------------------------------------------------------------------
// Drawing

function draw() {
  const at = now();
  state.model = buildModel({
    plan: state.plan,
    attempts: state.attempts.values(),
    admin: [...state.admin.values()],
    failed: state.failed,
    status: state.status,
    now: at,
  });
  const context = { ...state, now: at, actions: state.about.actions };
  renderHeader(context);
  renderFailures(context);
  const shownKey = tip.hidden ? undefined : tipAnchor?.dataset.key;
  drawRows();
  if (shownKey) keepTip(shownKey);
}

/** The rows were drawn again: the tooltip or pinned details stay, beside the new element of the same key. */
function keepTip(key) {
  const anchor = document.querySelector(`[data-key="${CSS.escape(key)}"]`);
  if (!anchor) return pinned ? unpin(false) : hideTip();
  if (!pinned) return showTip(anchor.dataset.mark, anchor, false);
  pinned.anchor = anchor;
  // Details being used (a button in focus) or an agent's are only moved; a mark's are brought up to date.
  if (pinned.key.startsWith('agent:') || tip.contains(document.activeElement)) placeTip(anchor, true);
  else showTip(pinned.key, anchor, true);
}

function drawRows() {
  const { rows, count } = buildRows(state.model.agents, $('filter').value);
  const total = state.model.agents.size;
  $('shown').textContent = count === total ? `${total} agents` : `${count} of ${total} agents`;
  timeline.show({ rows, ...span(), now: now(), clock: state.clock, actions: state.about.actions });
}

// ---------------------------------------------------------------------------------------------------
// The tooltip: on hover or focus a mark shows its details; a click pins them, with the actions.

const tip = $('tip');

function showTip(key, anchor, pin) {
  const mark = state.model.marks.get(key);
  if (!mark || !anchor?.isConnected) return hideTip();
  const buttons = [];
  if (pin && state.about.actions) {
    if (mark.kind === 'failed') buttons.push(tipButton('Requeue', () => requeue(mark.jobId)));
    if (mark.kind === 'pending') buttons.push(tipButton('Cancel this job', () => cancel(mark)));
  }
  if (pin) buttons.push(tipButton('Close', () => unpin(true)));
  fill(
    tip,
    markDetails(mark, state.clock, now()),
    buttons.length ? h('p', { class: 'tip-actions' }, buttons) : null,
  );
  placeTip(anchor, pin);
}

function showAgentTip(agentId, action, anchor) {
  const agent = state.model.agents.get(agentId);
  const verb = action === 'login' ? 'in' : 'out';
  fill(
    tip,
    h('p', { class: 'tip-title' }, h('strong', {}, `Log ${agentId} ${verb} now?`)),
    h('p', {}, `${agent?.team ? `Team ${agent.team}, ` : ''}phone ${agent?.phones[0] ?? 'unknown'}`),
    h(
      'p',
      { class: 'tip-actions' },
      tipButton(`Log ${verb} now`, () => agentAction(agentId, action)),
      tipButton('Close', () => unpin(true)),
    ),
  );
  placeTip(anchor, true);
}

function tipButton(text, run) {
  return h('button', { type: 'button', class: 'small', onclick: run }, text);
}

function placeTip(anchor, pin) {
  tipAnchor = anchor;
  tip.hidden = false;
  tip.className = `tip${pin ? ' pinned' : ''}`;
  tip.setAttribute('role', pin ? 'dialog' : 'tooltip');
  tip.setAttribute('aria-label', 'Details');
  anchor.setAttribute('aria-describedby', 'tip');
  const box = anchor.getBoundingClientRect();
  const width = tip.offsetWidth;
  const height = tip.offsetHeight;
  const left = Math.min(Math.max(8, box.left + box.width / 2 - width / 2), window.innerWidth - width - 8);
  const below = box.bottom + 6 + height < window.innerHeight;
  tip.style.left = `${Math.max(8, left)}px`;
  tip.style.top = `${below ? box.bottom + 6 : Math.max(8, box.top - height - 6)}px`;
}

/** Keeps the tooltip beside its element as the timeline scrolls; its row gone, it goes too. */
function followAnchor() {
  if (tip.hidden || !tipAnchor) return;
  if (tipAnchor.isConnected) placeTip(tipAnchor, Boolean(pinned));
  else if (pinned) unpin(false);
  else hideTip();
}

function hideTip() {
  tipAnchor = null;
  tip.hidden = true;
  for (const element of document.querySelectorAll('[aria-describedby="tip"]')) {
    element.removeAttribute('aria-describedby');
  }
}

function unpin(refocus) {
  const was = pinned;
  pinned = null;
  hideTip();
  if (refocus && was?.anchor?.isConnected) was.anchor.focus();
}

function pin(key, anchor, show, keyboard) {
  pinned = { key, anchor };
  show();
  if (keyboard) tip.querySelector('button')?.focus();
}

// ---------------------------------------------------------------------------------------------------
// Admin actions

function notify(kind, text) {
  const notice = $('notice');
  notice.hidden = false;
  notice.className = `notice ${kind}`;
  fill(
    notice,
    h('strong', {}, kind === 'error' ? 'Error: ' : 'Done: '),
    text,
    ` (${state.clock.seconds(now())})`,
  );
}

async function post(path, body, what) {
  const token = $('token').value.trim();
  if (!token) {
    notify('error', `${what}: enter the admin token first`);
    $('token').focus();
    return;
  }
  try {
    const response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    if (response.status === 401) notify('error', `${what}: the admin token was refused`);
    else if (!response.ok || answer.ok === false) {
      notify('error', `${what}: ${answer.error ?? `HTTP ${response.status}`}`);
    } else notify('ok', summary(what, answer));
  } catch (error) {
    notify('error', `${what}: ${error.message}`);
  }
  followUp();
}

/** What an action's answer says: the job it made, why it may be skipped, whether nothing changed. */
function summary(what, answer) {
  const parts = [what];
  if (answer.id && !what.includes(answer.id)) parts.push(`(job ${answer.id})`);
  if (answer.note) parts.push(`; note: ${answer.note}`);
  if (answer.already) parts.push('(it was paused already)');
  if (answer.wasPaused === false) parts.push('(it was not paused)');
  return parts.join(' ');
}

const enc = encodeURIComponent;
const requeue = (id) => post(`/api/jobs/${enc(id)}/requeue`, {}, `requeue ${id}`);
function cancel(mark) {
  unpin(false);
  return post(`/api/jobs/${enc(mark.jobId)}/cancel`, {}, `cancel ${mark.jobId}`);
}
function agentAction(agentId, action) {
  unpin(false);
  return post(`/api/agents/${enc(agentId)}/${action}`, {}, `${action} ${agentId} now`);
}

// ---------------------------------------------------------------------------------------------------
// Loading and refreshing

let timer;
/** After an action, look again soon (and a little later), not only at the next refresh. */
function followUp() {
  for (const delay of [300, 1500, 4000]) setTimeout(() => refresh(false), delay);
}

let refreshing = null;
function refresh(reschedule = true) {
  refreshing ??= load().finally(() => {
    refreshing = null;
  });
  if (reschedule) {
    clearTimeout(timer);
    timer = setTimeout(refresh, state.about.refreshMs);
  }
  return refreshing;
}

async function load() {
  const askedAt = Date.now();
  const since = `${Math.ceil((askedAt - state.historyAt) / 1000) + 30}s`;
  try {
    const [status, history, jobs] = await Promise.all([
      getJson('/api/status'),
      getJson(`/api/history?since=${since}`),
      getJson('/api/jobs?state=failed'),
    ]);
    takeStatus(status, askedAt);
    takeHistory(history);
    state.historyAt = askedAt;
    state.failed = jobs.jobs;
    state.stale = '';
    const stamp = planStamp(status);
    if (!state.planFull || stamp !== state.planStamp) await loadPlan(stamp);
  } catch (error) {
    state.stale = `${error.message}; trying again`;
  }
  draw();
}

const planStamp = (status) => `${status.plan?.revision ?? ''}@${status.plan?.syncedAtMs ?? ''}`;

async function loadPlan(stamp) {
  state.plan = await getJson('/api/plan');
  state.planFull = true;
  state.planStamp = stamp;
}

async function start() {
  const askedAt = Date.now();
  // The first paint needs only the hours around now: the whole week follows at once.
  const narrow = `/api/plan?from=${askedAt - 6 * HOUR_MS}&to=${askedAt + 18 * HOUR_MS}`;
  const [about, plan, status, history, jobs] = await Promise.all([
    getJson('/api/console'),
    getJson(narrow),
    getJson('/api/status'),
    getJson('/api/history?since=48h'),
    getJson('/api/jobs?state=failed'),
  ]);
  state.about = about;
  state.clock = zoneClock(about.zone);
  state.plan = plan;
  takeStatus(status, askedAt);
  takeHistory(history);
  state.historyAt = askedAt;
  state.failed = jobs.jobs;
  $('admin').hidden = !about.actions;
  document.body.classList.toggle('can-act', about.actions);
  renderLegend(about.actions);

  const scroller = $('timeline');
  const narrowScreen = window.matchMedia('(max-width: 700px)').matches;
  timeline = createTimeline(scroller, { pxPerHour: narrowScreen ? 24 : 48, onScroll: followAnchor });
  draw();
  timeline.scrollTo(now());
  requestAnimationFrame(() => performance.mark('rota:first-rows'));

  try {
    await loadPlan(planStamp(status));
    draw();
    requestAnimationFrame(() => performance.mark('rota:full-plan'));
  } catch (error) {
    state.stale = `${error.message}; trying again`;
  }
  timer = setTimeout(refresh, about.refreshMs);
  setInterval(() => timeline.setNow(now()), 15_000);
}

// ---------------------------------------------------------------------------------------------------
// Wiring

function wire() {
  const scroller = $('timeline');
  const markOf = (event) => event.target.closest?.('.mark[data-mark]');

  scroller.addEventListener('mouseover', (event) => {
    const mark = markOf(event);
    if (mark && !pinned) showTip(mark.dataset.mark, mark, false);
  });
  scroller.addEventListener('mouseout', (event) => {
    if (markOf(event) && !pinned) hideTip();
  });
  scroller.addEventListener('focusin', (event) => {
    const mark = markOf(event);
    if (mark && !pinned) showTip(mark.dataset.mark, mark, false);
  });
  scroller.addEventListener('focusout', (event) => {
    if (markOf(event) && !pinned) hideTip();
  });
  scroller.addEventListener('click', (event) => {
    const keyboard = event.detail === 0;
    const mark = markOf(event);
    if (mark) {
      pin(mark.dataset.mark, mark, () => showTip(mark.dataset.mark, mark, true), keyboard);
      return;
    }
    const act = event.target.closest?.('[data-act]');
    if (act) {
      const { agent, act: action } = act.dataset;
      pin(`agent:${agent}`, act, () => showAgentTip(agent, action, act), keyboard);
    }
  });

  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !tip.hidden) unpin(true);
  });
  document.addEventListener('click', (event) => {
    if (pinned && !tip.contains(event.target) && !pinned.anchor.contains(event.target)) unpin(false);
  });

  $('failure-list').addEventListener('click', (event) => {
    const button = event.target.closest('button');
    if (button?.dataset.requeue) requeue(button.dataset.requeue);
    if (button?.dataset.show) reveal(button.dataset.show);
  });

  let filterTimer;
  $('filter').addEventListener('input', () => {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => {
      scroller.scrollTop = 0;
      drawRows();
    }, 120);
  });
  const zoom = (step) => {
    const index = SCALES.indexOf(timeline.pxPerHour);
    const next = SCALES[Math.min(SCALES.length - 1, Math.max(0, (index < 0 ? 3 : index) + step))];
    timeline.setScale(next);
  };
  $('zoom-in').addEventListener('click', () => zoom(1));
  $('zoom-out').addEventListener('click', () => zoom(-1));
  $('to-now').addEventListener('click', () => timeline.scrollTo(now()));

  const token = $('token');
  token.value = sessionStorage.getItem(TOKEN_KEY) ?? '';
  token.addEventListener('input', () => sessionStorage.setItem(TOKEN_KEY, token.value.trim()));
  $('pause').addEventListener('click', () =>
    post('/api/pause', { reason: $('pause-reason').value.trim() }, 'pause'),
  );
  $('resume').addEventListener('click', () => post('/api/resume', {}, 'resume'));
}

/** Shows a failed job's mark: its row in view, the mark in focus with its details. */
function reveal(jobId) {
  const mark = state.model.marks.get(jobId);
  if (!mark) return;
  $('filter').value = '';
  drawRows();
  const row = timeline.reveal(`agent:${mark.agentId}`);
  timeline.scrollTo(mark.atMs, 0.5);
  const button = row?.querySelector(`[data-mark="${CSS.escape(jobId)}"]`);
  button?.focus();
}

/** The first load, again every few seconds until rota answers. */
function begin() {
  start().catch((error) => {
    fill(
      $('timeline'),
      h('p', { class: 'alert' }, `The console could not load: ${error.message}; trying again`),
    );
    $('state').textContent = 'Not loaded';
    setTimeout(begin, 5000);
  });
}

wire();
begin();
