/**
 * Encryption at rest for channel secrets: AES-256-GCM from node:crypto, key
 * derived from APP_SECRET_KEY with HKDF-SHA256. Envelope format (a string):
 *   "enc:v1:<iv base64url>:<auth tag base64url>:<ciphertext base64url>"
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'enc:v1:';

/**
 * A 32-byte key for one purpose, derived from APP_SECRET_KEY with HKDF-SHA256
 * (salt = purpose, info = usage), so no feature ever uses the raw secret.
 */
export function deriveKey(secret: string, purpose: string, usage: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, purpose, usage, 32));
}

/** Compares two secrets (signatures, tokens) in constant time; false when the lengths differ. */
export function constantTimeEqual(a: Buffer | string, b: Buffer | string): boolean {
  const x = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
  const y = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  return x.length === y.length && timingSafeEqual(x, y);
}

export class SecretBox {
  private readonly key: Buffer;
  constructor(secret: string) {
    this.key = deriveKey(secret, 'hub-channel-secrets', 'aes-256-gcm');
  }

  /** Encrypts a UTF-8 string into an envelope string. */
  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return PREFIX + [iv, cipher.getAuthTag(), ct].map((b) => b.toString('base64url')).join(':');
  }

  /** Decrypts an envelope; throws Error('secret envelope cannot be decrypted') on a wrong key or tampering. */
  open(envelope: string): string {
    if (!SecretBox.isSealed(envelope)) throw new Error('not a secret envelope');
    const [iv, tag, ct] = envelope
      .slice(PREFIX.length)
      .split(':')
      .map((p) => Buffer.from(p, 'base64url'));
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv!);
      decipher.setAuthTag(tag!);
      return Buffer.concat([decipher.update(ct!), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('secret envelope cannot be decrypted (wrong APP_SECRET_KEY?)');
    }
  }

  static isSealed(value: unknown): value is string {
    return typeof value === 'string' && value.startsWith(PREFIX);
  }

  /** Returns a copy of `config` with the listed keys sealed (already sealed values are kept). */
  sealKeys<T extends Record<string, unknown>>(config: T, keys: readonly string[]): T {
    const out: Record<string, unknown> = { ...config };
    for (const k of keys) {
      const v = out[k];
      if (typeof v === 'string' && !SecretBox.isSealed(v)) out[k] = this.seal(v);
    }
    return out as T;
  }

  /** Returns a copy of `config` with every sealed value opened. */
  openAll<T extends Record<string, unknown>>(config: T): T {
    const out: Record<string, unknown> = { ...config };
    for (const [k, v] of Object.entries(out)) if (SecretBox.isSealed(v)) out[k] = this.open(v);
    return out as T;
  }
}
