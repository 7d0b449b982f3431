// Trial leases for workers on many machines: each worker claims the next due trial in one short
// transaction (SELECT … FOR UPDATE SKIP LOCKED: workers never wait on each other, never deadlock)
// and holds a lease on it, renewed by heartbeat. A trial whose lease expired (its worker died or
// froze) is due again and the next claimer takes it as a new attempt. The lease token fences the
// holder's appends (PgLog.append's `lease`): once taken over, the old holder's events are refused.
import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { JournalEvent } from '../events.js';
import type { Params } from '../../trial/types.js';
import { DEFAULT_EXPIRY_MS, DEFAULT_HEARTBEAT_MS } from '../store.js';
import { LeaseLostError, type PgLog } from './pg-log.js';

export interface PlannedRow {
  id: string;
  index: number;
  params: Params;
}

export interface ClaimedTrial extends PlannedRow {
  /** Claims of this trial so far, this one included. */
  attempt: number;
  /** The trial was running under an expired lease (its worker is gone): this attempt takes it over. */
  tookOver: boolean;
  /** Fences this attempt's appends. */
  token: string;
  /** Aborted when the lease is found taken over: stop the trial, write nothing more about it. */
  lost: AbortSignal;
}

/** Decides the next trial at claim time from the shared history (tpe); undefined: no more. */
export type Proposer = (events: readonly JournalEvent[]) => (PlannedRow & { sampler: string }) | undefined;

export class TrialLeases {
  readonly owner: string;
  readonly heartbeatMs: number;
  readonly expiryMs: number;
  private held = new Map<string, AbortController>();
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> = Promise.resolve();

  constructor(private readonly log: PgLog, opts: { heartbeatMs?: number; expiryMs?: number; owner?: string } = {}) {
    this.owner = opts.owner ?? `${hostname()}:${process.pid}`;
    this.heartbeatMs = opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.expiryMs = opts.expiryMs ?? DEFAULT_EXPIRY_MS;
  }

  /** Record the planned trials as claimable (those already there are left as they are). */
  async register(trials: readonly PlannedRow[]): Promise<void> {
    if (trials.length === 0) return;
    await this.log.query(
      'register trials',
      `INSERT INTO finesweep_trials (sweep_id, trial_id, idx, params)
       SELECT $1, * FROM unnest($2::text[], $3::int[], $4::json[]) ON CONFLICT DO NOTHING`,
      [this.log.sweepId, trials.map((t) => t.id), trials.map((t) => t.index), trials.map((t) => JSON.stringify(t.params))],
    );
  }

  /**
   * Claim the due trial of lowest index: pending, or running under an expired lease. With none and
   * a proposer, propose one under the sweep's lock from the history as it stands, record it
   * (trial_proposed) and claim it in the same transaction, so two workers never run one index.
   */
  async claim(propose?: Proposer): Promise<ClaimedTrial | undefined> {
    const token = randomBytes(12).toString('hex');
    const claimed = await this.log.transaction('claim a trial', async (c) => {
      const due = await c.query<{ trial_id: string; idx: number; params: Params; state: string }>(
        `SELECT trial_id, idx, params, state FROM finesweep_trials
          WHERE sweep_id = $1 AND (state = 'pending' OR (state = 'running' AND lease_expiry < now()))
          ORDER BY idx LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [this.log.sweepId],
      );
      let row = due.rows[0] as { trial_id: string; idx: number; params: Params; state: string } | undefined;
      if (!row && propose) {
        await c.query('SELECT id FROM finesweep_sweeps WHERE id = $1 FOR UPDATE', [this.log.sweepId]);
        const events = await c.query<{ body: JournalEvent }>('SELECT body FROM finesweep_events WHERE sweep_id = $1 ORDER BY seq', [this.log.sweepId]);
        const next = propose(events.rows.map((r) => r.body));
        if (next) {
          await this.log.insertEvents(c, [{ body: { type: 'trial_proposed', trial_id: next.id, index: next.index, params: next.params, sampler: next.sampler }, idem: randomUUID() }]);
          await c.query('INSERT INTO finesweep_trials (sweep_id, trial_id, idx, params) VALUES ($1, $2, $3, $4)', [this.log.sweepId, next.id, next.index, JSON.stringify(next.params)]);
          row = { trial_id: next.id, idx: next.index, params: next.params, state: 'pending' };
        }
      }
      if (!row) return undefined;
      const set = await c.query<{ attempt: number }>(
        `UPDATE finesweep_trials SET state = 'running', attempt = attempt + 1, lease_owner = $3, lease_token = $4,
                lease_expiry = now() + make_interval(secs => $5::double precision / 1000)
          WHERE sweep_id = $1 AND trial_id = $2 RETURNING attempt`,
        [this.log.sweepId, row.trial_id, this.owner, token, this.expiryMs],
      );
      return { id: row.trial_id, index: row.idx, params: row.params, attempt: set.rows[0].attempt, tookOver: row.state === 'running' };
    });
    if (!claimed) return undefined;
    const lost = new AbortController();
    this.held.set(token, lost);
    this.startBeating();
    return { ...claimed, token, lost: lost.signal };
  }

  /** Forget a lease (its ending event cleared it), or give a trial back unfinished (pending again). */
  async release(token: string, opts: { giveBack?: boolean } = {}): Promise<void> {
    this.held.delete(token);
    if (this.held.size === 0) this.stopBeating();
    if (opts.giveBack) {
      await this.log.query('give a trial back', `UPDATE finesweep_trials SET state = 'pending', lease_token = NULL, lease_owner = NULL, lease_expiry = NULL WHERE sweep_id = $1 AND lease_token = $2`, [this.log.sweepId, token]).catch(() => {});
    }
  }

  /** Every trial's claimable state (for tests and the report of a live sweep). */
  async states(): Promise<Map<string, { state: string; attempt: number; owner: string | null }>> {
    const r = await this.log.query<{ trial_id: string; state: string; attempt: number; lease_owner: string | null }>('read trials', 'SELECT trial_id, state, attempt, lease_owner FROM finesweep_trials WHERE sweep_id = $1 ORDER BY idx', [this.log.sweepId]);
    return new Map(r.rows.map((row) => [row.trial_id, { state: row.state, attempt: row.attempt, owner: row.lease_owner }]));
  }

  close(): Promise<void> {
    this.stopBeating();
    return this.beating;
  }

  private startBeating(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.beating = this.beating.then(() => this.beat());
    }, this.heartbeatMs);
    this.timer.unref();
  }

  private stopBeating(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Renew every held lease in one statement; a token no longer there was taken over. */
  private async beat(): Promise<void> {
    const tokens = [...this.held.keys()];
    if (tokens.length === 0) return;
    let renewed: Set<string>;
    try {
      const r = await this.log.pool.query<{ lease_token: string }>(
        `UPDATE finesweep_trials SET lease_expiry = now() + make_interval(secs => $3::double precision / 1000)
          WHERE sweep_id = $1 AND lease_token = ANY($2::text[]) RETURNING lease_token`,
        [this.log.sweepId, tokens, this.expiryMs],
      );
      renewed = new Set(r.rows.map((row) => row.lease_token));
    } catch {
      return; // a dropped connection: the next beat tries again (past the expiry the trial may be taken)
    }
    for (const token of tokens) {
      const lost = this.held.get(token);
      if (!lost || renewed.has(token)) continue;
      this.held.delete(token);
      lost.abort(new LeaseLostError(`the lease of a trial of sweep ${this.log.name} was taken over by another worker`));
    }
  }
}

