/**
 * Deterministic ids and provider message ids for the demo seed. A small seeded
 * PRNG (mulberry32) keeps ids reproducible for a given seed without consuming the
 * faker streams that generate the content.
 */

export class SeededIds {
  private state: number;
  private readonly used = new Set<string>();

  constructor(seed: number) {
    this.state = (seed ^ 0x9e3779b9) >>> 0;
  }

  /** Next unsigned 32-bit value (mulberry32). */
  next32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i += 4) {
      const v = this.next32();
      for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (v >>> (j * 8)) & 0xff;
    }
    return out;
  }

  /**
   * UUID version 7 (RFC 9562 §5.7): 48-bit Unix milliseconds, version 7, 74 random
   * bits with variant 10. The timestamp is the row's createdAt, so ids sort by
   * creation time like the database default `uuid(7)` would.
   */
  uuidv7(at: Date | number): string {
    const ms = typeof at === 'number' ? at : at.getTime();
    const b = this.bytes(16);
    b.writeUIntBE(ms, 0, 6);
    b[6] = 0x70 | (b[6]! & 0x0f);
    b[8] = 0x80 | (b[8]! & 0x3f);
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  private unique(make: () => string): string {
    for (;;) {
      const v = make();
      if (!this.used.has(v)) {
        this.used.add(v);
        return v;
      }
    }
  }

  /** WhatsApp Cloud API message id: "wamid." + base64 of a protobuf-like blob. */
  wamid(waId: string): string {
    return this.unique(() => {
      const head = Buffer.from(`\x08\x12\x0c${waId}\x15\x02\x00\x11\x18\x12`, 'latin1');
      return `wamid.${Buffer.concat([head, this.bytes(10)]).toString('base64')}`;
    });
  }

  /** Microsoft Graph message id ("AAMk..." base64url of a mailbox entry id). */
  graphMessageId(): string {
    return this.unique(() => {
      const body = Buffer.concat([Buffer.from([0x00, 0x00, 0x00]), this.bytes(40), Buffer.from([0x00, 0x00]), this.bytes(70)]);
      return `AAMkAGI2${body.toString('base64url').slice(4)}=`;
    });
  }

  /** Microsoft Graph conversation id ("AAQk..."). */
  graphConversationId(): string {
    return this.unique(() => `AAQkAGI2${this.bytes(36).toString('base64url')}=`);
  }

  /** RFC 5322 Message-ID as Outlook writes it. */
  internetMessageId(domain: string): string {
    return this.unique(() => `<${this.bytes(12).toString('hex').toUpperCase()}@${domain}>`);
  }

  /** Twilio message SID: "SM" + 32 lowercase hex. */
  twilioSid(): string {
    return this.unique(() => `SM${this.bytes(16).toString('hex')}`);
  }

  /** A unique numeric id string, for Chatwoot message ids and the like. */
  numeric(min: number, span: number): string {
    return this.unique(() => String(min + (this.next32() % span)));
  }

  /** A unique token with a prefix, e.g. partner API message ids. */
  token(prefix: string, bytes = 9): string {
    return this.unique(() => `${prefix}${this.bytes(bytes).toString('base64url')}`);
  }

  /** A media id as WhatsApp returns it (15-16 digits). */
  mediaId(): string {
    return this.unique(() => `${1 + (this.next32() % 9)}${String(this.next32()).padStart(10, '0')}${String(this.next32() % 100000).padStart(5, '0')}`);
  }

  sha256(): string {
    return this.bytes(32).toString('base64');
  }
}
