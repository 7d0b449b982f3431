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
import { Notifier } from './notifier.js';
import { LeaseLostError } from '../lease.js';
import type { PgLog } from './pg-log.js';

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

/** Take the lease of the due trial of lowest index: pending, or running under an expired lease. */
const CLAIM_SQL_TEXT = `
WITH due AS (
  SELECT trial_id, state FROM finesweep_trials
   WHERE sweep_id = $1 AND (state = 'pending' OR (state = 'running' AND lease_expiry < now()))
   ORDER BY idx LIMIT 1 FOR UPDATE SKIP LOCKED
)
UPDATE finesweep_trials t SET state = 'running', attempt = t.attempt + 1, lease_owner = $2, lease_token = $3,
       lease_expiry = now() + make_interval(secs => $4::double precision / 1000)
  FROM due WHERE t.sweep_id = $1 AND t.trial_id = due.trial_id
RETURNING t.trial_id, t.idx, t.params, t.attempt, due.state AS was`;
const CLAIM_SQL = { name: 'finesweep_claim', text: CLAIM_SQL_TEXT };

interface ClaimRow {
  trial_id: string;
  idx: number;
  params: Params;
  attempt: number;
  was: string;
}

function claimedOf(row: ClaimRow): Omit<ClaimedTrial, 'token' | 'lost'> {
  return { id: row.trial_id, index: row.idx, params: row.params, attempt: row.attempt, tookOver: row.was === 'running' };
}

export class TrialLeases {
  readonly owner: string;
  readonly heartbeatMs: number;
  readonly expiryMs: number;
  /** Leases held, by token: the trial (rows are found by their primary key) and its lost signal. */
  private held = new Map<string, { trialId: string; lost: AbortController }>();
  /** The sweep's events read by proposals so far (seq order): each proposal reads only what is new. */
  private history: JournalEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private notifier: Notifier | undefined;
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
    // The common case in one statement (its own transaction): lock the due row, take its lease.
    const r = await this.log.retry('claim a trial', async (attempt) => {
      // A claim whose reply was lost may have committed: then the trial holding this token is ours.
      if (attempt > 0) {
        const mine = await this.log.pool.query<ClaimRow>(`SELECT trial_id, idx, params, attempt, 'pending' AS was FROM finesweep_trials WHERE sweep_id = $1 AND lease_token = $2`, [this.log.sweepId, token]);
        if (mine.rows[0]) return mine;
      }
      return this.log.pool.query<ClaimRow>({ ...CLAIM_SQL, values: [this.log.sweepId, this.owner, token, this.expiryMs] });
    });
    let claimed = r.rows[0] ? claimedOf(r.rows[0]) : undefined;
    if (!claimed && propose) claimed = await this.claimProposed(propose, token);
    if (!claimed) return undefined;
    const lost = new AbortController();
    this.held.set(token, { trialId: claimed.id, lost });
    this.startBeating();
    return { ...claimed, token, lost: lost.signal };
  }

  /**
   * Nothing due: propose the next trial under the sweep's lock from the history as it stands,
   * record it (trial_proposed) and claim it in one transaction, so two workers never run one
   * index. The history is read incrementally: once the sweep row is locked, every event up to
   * its last_seq has committed, so the events after the last one read here are all that is new.
   */
  private async claimProposed(propose: Proposer, token: string): Promise<Omit<ClaimedTrial, 'token' | 'lost'> | undefined> {
    const out = await this.log.transaction('claim a trial', async (c) => {
      // Another worker may have made a trial due since the statement above.
      const again = await c.query<ClaimRow>({ ...CLAIM_SQL, values: [this.log.sweepId, this.owner, token, this.expiryMs] });
      if (again.rows[0]) return { claimed: claimedOf(again.rows[0]) };
      await c.query('SELECT id FROM finesweep_sweeps WHERE id = $1 FOR UPDATE', [this.log.sweepId]);
      const fresh = await c.query<{ body: JournalEvent }>('SELECT body FROM finesweep_events WHERE sweep_id = $1 AND seq > $2 ORDER BY seq', [this.log.sweepId, this.history.at(-1)?.seq ?? 0]);
      const history = [...this.history, ...fresh.rows.map((row) => row.body)];
      const next = propose(history);
      if (!next) return { history };
      const [proposed] = await this.log.insertEvents(c, [{ body: { type: 'trial_proposed', trial_id: next.id, index: next.index, params: next.params, sampler: next.sampler }, idem: randomUUID() }]);
      await c.query(
        `INSERT INTO finesweep_trials (sweep_id, trial_id, idx, params, state, attempt, lease_owner, lease_token, lease_expiry)
         VALUES ($1, $2, $3, $4, 'running', 1, $5, $6, now() + make_interval(secs => $7::double precision / 1000))`,
        [this.log.sweepId, next.id, next.index, JSON.stringify(next.params), this.owner, token, this.expiryMs],
      );
      return { history: [...history, proposed], claimed: { id: next.id, index: next.index, params: next.params, attempt: 1, tookOver: false } };
    });
    // Kept only once committed: a try rolled back (and retried) leaves nothing behind.
    if (out.history) this.history = out.history;
    return out.claimed;
  }

  /** Forget a lease (its ending event cleared it), or give a trial back unfinished (pending again). */
  async release(token: string, opts: { giveBack?: boolean } = {}): Promise<void> {
    const held = this.held.get(token);
    this.held.delete(token);
    if (this.held.size === 0) this.stopBeating();
    if (opts.giveBack && held) {
      await this.log
        .query('give a trial back', `UPDATE finesweep_trials SET state = 'pending', lease_token = NULL, lease_owner = NULL, lease_expiry = NULL WHERE sweep_id = $1 AND trial_id = $2 AND lease_token = $3`, [this.log.sweepId, held.trialId, token])
        .catch(() => {});
    }
  }

  /**
   * Whether any trial of the sweep is still open (pending or running), and in how many ms the
   * earliest running lease expires (when a dead worker's trial becomes due).
   */
  async open(): Promise<{ open: boolean; expiresInMs?: number }> {
    const r = await this.log.query<{ open: boolean; ms: number | null }>(
      'read trials',
      `SELECT count(*) FILTER (WHERE state IN ('pending', 'running')) > 0 AS open,
              extract(epoch FROM min(lease_expiry) FILTER (WHERE state = 'running') - now()) * 1000 AS ms
         FROM finesweep_trials WHERE sweep_id = $1`,
      [this.log.sweepId],
    );
    const row = r.rows[0];
    return { open: row.open, ...(row.ms !== null ? { expiresInMs: Math.max(0, Number(row.ms)) } : {}) };
  }

  /** The wake-up count before looking for work (listening from then on), for waitForChange. */
  changes(): Promise<number> {
    this.notifier ??= new Notifier(this.log.loc, this.log.channel);
    return this.notifier.generation();
  }

  /** Wait until an attempt ends somewhere in the sweep (a NOTIFY) after `since`, or `timeoutMs`. */
  async waitForChange(since: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    this.notifier ??= new Notifier(this.log.loc, this.log.channel);
    await this.notifier.wait(since, timeoutMs, signal);
  }

  /** Every trial's claimable state (for tests and the report of a live sweep). */
  async states(): Promise<Map<string, { state: string; attempt: number; owner: string | null }>> {
    const r = await this.log.query<{ trial_id: string; state: string; attempt: number; lease_owner: string | null }>('read trials', 'SELECT trial_id, state, attempt, lease_owner FROM finesweep_trials WHERE sweep_id = $1 ORDER BY idx', [this.log.sweepId]);
    return new Map(r.rows.map((row) => [row.trial_id, { state: row.state, attempt: row.attempt, owner: row.lease_owner }]));
  }

  async close(): Promise<void> {
    this.stopBeating();
    await this.beating;
    await this.notifier?.close();
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
        `UPDATE finesweep_trials SET lease_expiry = now() + make_interval(secs => $4::double precision / 1000)
          WHERE sweep_id = $1 AND (trial_id, lease_token) IN (SELECT * FROM unnest($2::text[], $3::text[])) RETURNING lease_token`,
        [this.log.sweepId, tokens.map((t) => this.held.get(t)!.trialId), tokens, this.expiryMs],
      );
      renewed = new Set(r.rows.map((row) => row.lease_token));
    } catch {
      return; // a dropped connection: the next beat tries again (past the expiry the trial may be taken)
    }
    for (const token of tokens) {
      const held = this.held.get(token);
      if (!held || renewed.has(token)) continue;
      this.held.delete(token);
      held.lost.abort(new LeaseLostError(`the lease of a trial of sweep ${this.log.name} was taken over by another worker`));
    }
  }
}

