/**
 * Attack bench: password guessing against the real server over loopback HTTP.
 *
 * 1. BENCH_GUESSES (1,000) wrong logins from ONE address, spread over 50 real
 *    accounts (so no single e-mail locks first): how many were evaluated
 *    (audited WRONG_PASSWORD) and how many refused unevaluated (IP_LOCKED).
 * 2. 10 wrong passwords for one e-mail, then its right password: refused.
 * 3. Answer time (median, p95 of BENCH_ITERATIONS = 30, each from its own
 *    address) of an unknown e-mail, a wrong password and a locked account,
 *    with the right password: one argon2 verify in every case.
 *
 *   pnpm --filter @hub/api run bench:logins
 *   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test pnpm --filter @hub/api run bench:logins
 */
import { createApp } from '../../api/src/app.js';
import { loadConfig } from '../../api/src/config.js';
import { AUTH_AUDIT, hashPassword } from '../../api/src/modules/auth/auth.service.js';
import { startServer } from '../../api/src/server.js';
import { createScratchDatabase } from '../../api/test/scratch-database.js';

const GUESSES = Number(process.env.BENCH_GUESSES ?? 1000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 30);
const base = process.env.BENCH_DATABASE_URL;
const db = base ? await createScratchDatabase(base, 'bench') : null;
const app = await createApp({
  config: loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_BUCKET_POINTS: '1000000', RATE_LIMIT_RESTORE_RATE: '100000', ...(db ? { DATABASE_URL: db.url } : {}) }),
  inMemory: true,
});
const server = await startServer(app, { port: 0, host: '127.0.0.1' });
const url = `http://127.0.0.1:${server.port}/graphql`;
const QUERY = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token errors { code } } }`;
const login = async (email: string, password: string, ip: string) => {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ query: QUERY, variables: { e: email, p: password } }),
  });
  const body = (await res.json()) as { data: { login: { token: string | null; errors: { code: string }[] } } };
  return { ms: performance.now() - t0, ok: !!body.data.login.token };
};
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)].toFixed(1)} ms, p95 ${s[Math.floor(s.length * 0.95)].toFixed(1)} ms`;
};
try {
  const org = await app.db.prisma.organization.create({ data: { slug: 'bench-logins', name: 'Bench' } });
  const passwordHash = await hashPassword('the-right-password');
  const users = await Promise.all(
    Array.from({ length: 60 }, (_, i) => app.db.prisma.user.create({ data: { organizationId: org.id, email: `u${i}@bench.test`, name: `U${i}`, passwordHash } })),
  );

  // 1. One address, many guesses.
  const t0 = performance.now();
  let accepted = 0;
  for (let i = 0; i < GUESSES; i++) if ((await login(users[i % 50].email, `guess-${i}`, '192.0.2.1')).ok) accepted++;
  const seconds = (performance.now() - t0) / 1000;
  await app.loginGuard.settled();
  const rows = await app.db.prisma.auditLog.findMany({ where: { organizationId: org.id, action: AUTH_AUDIT.loginFailed }, select: { changes: true } });
  const reasons: Record<string, number> = {};
  for (const r of rows) {
    const reason = (r.changes as { after: { reason: string } }).after.reason;
    reasons[reason] = (reasons[reason] ?? 0) + 1;
  }
  console.log(
    `${GUESSES} wrong logins from one address in ${seconds.toFixed(1)} s: evaluated ${reasons.WRONG_PASSWORD ?? 0}, refused unevaluated ${reasons.IP_LOCKED ?? 0} (accepted ${accepted})`,
  );

  // 2. One e-mail.
  const victim = users[55];
  for (let i = 0; i < 10; i++) await login(victim.email, `nope-${i}`, `198.51.100.${i + 1}`);
  console.log(
    `after 10 wrong passwords for one e-mail, its right password is ${(await login(victim.email, 'the-right-password', '198.51.100.99')).ok ? 'ACCEPTED' : 'refused'} (locked for ${Math.round((await app.loginGuard.emailLockedForMs(victim.email)) / 1000)} s)`,
  );

  // 3. Timing of the three refusals.
  const times: Record<string, number[]> = { 'unknown e-mail': [], 'wrong password': [], 'locked account (right password)': [] };
  for (let i = 0; i < ITERATIONS; i++) {
    times['unknown e-mail'].push((await login(`nobody-${i}@bench.test`, 'the-right-password', `10.1.${i}.1`)).ms);
    times['wrong password'].push((await login(users[56 + (i % 3)].email, `w-${i}`, `10.2.${i}.1`)).ms);
    times['locked account (right password)'].push((await login(victim.email, 'the-right-password', `10.3.${i}.1`)).ms);
    if (i % 3 === 2) for (const u of users.slice(56, 59)) await app.loginGuard.unlockEmail(u.email);
  }
  for (const [name, xs] of Object.entries(times)) console.log(`${name.padEnd(34)} ${stats(xs)}`);
} finally {
  await server.close();
  await app.close();
  await db?.drop();
}
