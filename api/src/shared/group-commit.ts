/**
 * Group commit: callers that write concurrently share one statement.
 *
 * `add(item)` queues the item and resolves once the statement that held it
 * has committed (with that item's result), or rejects with that statement's
 * error: every caller of a failed group gets the same error, none of its
 * items is stored, unless `retryAlone` is set: then each item of a failed
 * group of several is written again alone, so one item the database always
 * refuses (a poison delivery) fails only its own caller, not its neighbours
 * in every group it lands in. One group is in flight at a time; items added meanwhile
 * wait and form the next group, which starts as soon as the previous one
 * ends. So the window is the time the previous statement takes: an idle
 * system adds no wait (a lone item starts on the next turn of the event
 * loop, `setImmediate`), a busy one writes many items per statement.
 * A group holds at most `maxItems` items and `maxBytes` bytes (`sizeOf`); an
 * item larger than `maxBytes` goes alone.
 *
 * Used for webhook deliveries (modules/thread/delivery.store.ts) and, the
 * same way, for the channel lookups of webhooks (channel.directory.ts): a
 * group's query starts after all its items were added, so each sees what was
 * committed before it asked.
 *
 * Why not DataLoader (a dependency, the same batch-function idea): it
 * dispatches per tick, runs the chunks of a large batch concurrently, and has
 * no byte bound; here a group waits for the previous one and is bounded in
 * rows and bytes.
 */
import { requestLogScope } from './logger.js';

interface Pending<I, O> {
  item: I;
  bytes: number;
  resolve: (value: O) => void;
  reject: (err: unknown) => void;
}

export interface GroupCommitOptions<I> {
  /** Most items in one group (≥ 1). */
  maxItems: number;
  /** Most bytes in one group, as counted by `sizeOf`; an item above it goes alone. */
  maxBytes: number;
  /** Bytes of an item (e.g. its body length). */
  sizeOf: (item: I) => number;
  /** After a failed group of several items, write each item alone (one statement each) and settle each caller with its own outcome. */
  retryAlone?: boolean;
}

export class GroupCommit<I, O> {
  private queue: Pending<I, O>[] = [];
  private busy = false;

  /**
   * @param write stores a group in one statement and returns one result per
   *   item, in the items' order; throwing fails the whole group.
   */
  constructor(
    private readonly write: (items: readonly I[]) => Promise<readonly O[]>,
    private readonly opts: GroupCommitOptions<I>,
  ) {}

  /** Items waiting for the next group (for tests and metrics). */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Stores `item` with whatever else is added before its group starts.
   * Resolves with its result after the commit; rejects with the group's error.
   */
  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, bytes: this.opts.sizeOf(item), resolve, reject });
      if (!this.busy) {
        this.busy = true;
        // A group serves many requests: its statements and log lines belong to none of them (no reqId of the first).
        requestLogScope.exit(() => setImmediate(() => void this.next()));
      }
    });
  }

  /** Writes groups until the queue is empty; `busy` is true meanwhile. */
  private async next(): Promise<void> {
    while (this.queue.length) {
      const group = this.take();
      try {
        await this.settle(group);
      } catch (err) {
        if (!this.opts.retryAlone || group.length === 1) for (const p of group) p.reject(err);
        else for (const p of group) await this.settle([p]).catch((alone: unknown) => p.reject(alone));
      }
    }
    this.busy = false;
  }

  /** Writes `group` in one statement and resolves each caller with its result; throws the statement's error (callers unsettled). */
  private async settle(group: Pending<I, O>[]): Promise<void> {
    const results = await this.write(group.map((p) => p.item));
    if (results.length !== group.length) throw new Error(`group commit: ${results.length} results for ${group.length} items`);
    for (let i = 0; i < group.length; i++) group[i]!.resolve(results[i]!);
  }

  /** The next group: queued items in order, within `maxItems` and `maxBytes` (at least one item). */
  private take(): Pending<I, O>[] {
    let n = 0;
    let bytes = 0;
    while (n < this.queue.length && n < this.opts.maxItems) {
      const size = this.queue[n]!.bytes;
      if (n > 0 && bytes + size > this.opts.maxBytes) break;
      bytes += size;
      n++;
    }
    return this.queue.splice(0, Math.max(1, n));
  }
}
