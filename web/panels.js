// rota console: the header, the failures panel, the legend and the details of a mark.

import { $, fill, h, keepFocus } from './dom.js';
import { MARKS } from './model.js';
import { duration, lateness, relative } from './time.js';

export function renderHeader({ about, status, model, clock, now, fetchedAt, stale }) {
  $('version').textContent = `v${about.version}`;
  const paused = status.paused;
  const state = $('state');
  state.className = `state ${paused ? 'paused' : 'running'}`;
  if (paused) {
    fill(
      state,
      h('strong', {}, 'PAUSED'),
      paused.sinceMs ? ` since ${clock.full(paused.sinceMs)} (${relative(paused.sinceMs, now)})` : '',
      paused.reason ? h('span', { class: 'reason' }, `: ${paused.reason}`) : '',
    );
  } else {
    fill(state, h('strong', {}, 'Running'), ': logins and logouts go out on time');
  }

  const today = clock.dayKey(now);
  $('count-in').textContent = String(status.loggedIn);
  $('count-due').textContent = String(model.dueNextHour);
  $('count-failed').textContent = String(model.failures.filter((f) => clock.dayKey(f.at) === today).length);

  const plan = status.plan;
  fill(
    $('sync'),
    plan
      ? `Roster synced ${clock.full(plan.syncedAtMs)} (${relative(plan.syncedAtMs, now)}), revision ${plan.revision}`
      : 'The roster has not been synced yet',
    ' · ',
    h(
      'span',
      { class: stale ? 'stale' : '' },
      stale ? `Stale: ${stale}` : `Updated ${clock.seconds(fetchedAt)}`,
    ),
    ' · ',
    h('strong', {}, `Times in ${clock.zone}`),
  );

  const error = status.rosterError;
  const alert = $('roster-error');
  alert.hidden = !error;
  if (error) {
    fill(
      alert,
      h(
        'strong',
        {},
        `The roster is invalid (${error.count} problem${error.count === 1 ? '' : 's'}, since ${clock.full(error.atMs)})`,
      ),
      ': rota keeps the last good plan until it is fixed.',
      h(
        'ul',
        {},
        error.first.map((line) => h('li', {}, line)),
      ),
    );
  }
  $('pause').closest('.pause-controls').hidden = Boolean(paused);
  $('resume').hidden = !paused;
}

const FAILURES_SHOWN = 100;

export function renderFailures({ model, clock, now, actions }) {
  const list = $('failure-list');
  keepFocus(list, () => {
    if (model.failures.length === 0) {
      fill(list, h('li', { class: 'muted' }, 'No failed jobs.'));
      return;
    }
    const items = model.failures.slice(0, FAILURES_SHOWN).map(({ job, at, message }) =>
      h(
        'li',
        { class: 'failure' },
        h(
          'div',
          { class: 'f-head' },
          h('span', { class: 'mark mark-failed static', 'aria-hidden': 'true' }, MARKS.failed.letter),
          h(
            'button',
            {
              type: 'button',
              class: 'link',
              dataset: { key: `show:${job.id}`, show: job.id },
              'aria-label': `Show ${job.action} ${job.agentId} on the timeline`,
            },
            job.agentId,
          ),
          ` ${job.action} `,
          h('span', { class: 'age muted' }, relative(at, now)),
        ),
        h('div', { class: 'f-reason' }, message || 'no reason given'),
        h('div', { class: 'f-meta muted' }, `${clock.full(at)} · ${job.id}`),
        actions
          ? h(
              'button',
              {
                type: 'button',
                class: 'small',
                dataset: { key: `requeue:${job.id}`, requeue: job.id },
                'aria-label': `Requeue ${job.action} ${job.agentId}`,
              },
              'Requeue',
            )
          : null,
      ),
    );
    const more = model.failures.length - FAILURES_SHOWN;
    fill(
      list,
      items,
      more > 0 ? h('li', { class: 'muted' }, `and ${more} more (rota jobs --state failed)`) : null,
    );
  });
}

export function renderLegend(actions) {
  const items = Object.entries(MARKS).map(([kind, mark]) =>
    h(
      'li',
      {},
      h('span', { class: `mark mark-${kind} static`, 'aria-hidden': 'true' }, mark.letter),
      h('span', {}, h('strong', {}, mark.name), ` — ${mark.meaning}`),
    ),
  );
  fill(
    $('legend'),
    items,
    h(
      'li',
      {},
      h('span', { class: 'swatch bar current', 'aria-hidden': 'true' }),
      'a session (shift), login to logout',
    ),
    h('li', {}, h('span', { class: 'swatch now', 'aria-hidden': 'true' }), 'now'),
    h(
      'li',
      { class: 'hint muted' },
      'Point at or focus a mark for its details; click it (or press Enter) to keep them open',
      actions ? ', with Requeue on a failed job and Cancel on a pending one.' : '.',
    ),
  );
}

/** The lines of a mark's tooltip: what, when, how late, how many attempts, the API's message. */
export function markDetails(mark, clock, now) {
  const kind = MARKS[mark.kind];
  const lines = [
    h(
      'p',
      { class: 'tip-title' },
      h('span', { class: `mark mark-${mark.kind} static`, 'aria-hidden': 'true' }, kind.letter),
      h('strong', {}, `${mark.action} ${mark.agentId}`),
      ` — ${kind.name}`,
    ),
    h('p', {}, `Scheduled ${clock.full(mark.atMs)} (${relative(mark.atMs, now)})`),
  ];
  const last = mark.last ?? mark.attempts[mark.attempts.length - 1];
  if (last) {
    const latency = last.latencyMs === undefined ? '' : `, API ${duration(last.latencyMs)}`;
    lines.push(
      h('p', {}, `Last attempt ${clock.full(last.startedAt)}: late ${lateness(last.lateMs)}${latency}`),
    );
    const outcomes = mark.attempts.map((a) => a.outcome).join(', ');
    lines.push(h('p', {}, `Attempts: ${mark.attempts.length} (${outcomes})`));
    if (last.message) lines.push(h('p', { class: 'tip-message' }, `API: ${last.message}`));
    if (last.source) lines.push(h('p', {}, `Asked for from: ${last.source}`));
  } else if (mark.kind === 'pending' && mark.runAtMs !== undefined && mark.runAtMs !== mark.atMs) {
    lines.push(h('p', {}, `Runs ${clock.full(mark.runAtMs)} (${relative(mark.runAtMs, now)})`));
  } else if (mark.kind === 'cancelled' && mark.cancelledBy) {
    lines.push(h('p', {}, `Cancelled ${clock.full(mark.cancelledBy.at)} from ${mark.cancelledBy.source}`));
  }
  if (mark.job?.result && mark.job.result !== last?.message) {
    lines.push(h('p', { class: 'tip-message' }, `Reason: ${mark.job.result}`));
  }
  lines.push(h('p', { class: 'muted tip-job' }, `Job ${mark.jobId}`));
  return lines;
}
