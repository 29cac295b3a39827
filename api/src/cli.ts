/**
 * `pnpm hub <command>`: operations on the hub's database (ops/).
 *
 *   pnpm hub backup [--out FILE]
 *   pnpm hub restore FILE
 *   pnpm hub rotate-secrets --from OLD
 *
 * The database is the one the hub uses: DATABASE_URL (PostgreSQL), else
 * PGlite under DATA_DIR. Relative paths are taken from the directory pnpm was
 * started in (INIT_CWD), not api/. Exit code 0 on success, 1 on a refusal or
 * failure (the reason on stderr), 2 on a usage error.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DEV_APP_SECRET_KEY, loadConfig, type Config } from './config.js';
import { assertPgliteClosed, backupDatabase, databaseKind, defaultBackupName, OpsError, pgliteDataDir, restoreDatabase } from './ops/backup.js';

export const USAGE = `Usage: pnpm hub <command> [options]

Commands:
  backup [--out FILE]         Back up the database: PostgreSQL (DATABASE_URL) with pg_dump in
                              custom format, PGlite (DATA_DIR) as a tarball of its data directory.
                              Default FILE: hub-backup-<UTC timestamp>.dump (PostgreSQL) or .tar.gz (PGlite).
  restore FILE                Restore a backup into an EMPTY database (refused otherwise): the
                              PostgreSQL database of DATABASE_URL, or an empty or missing DATA_DIR.
  analytics:backfill [--org SLUG]  Rebuild the reporting events and rollups from history (all organizations by default)
  rotate-secrets --from OLD   Re-seal every channel secret sealed with the key derived from OLD
                              (the previous APP_SECRET_KEY) under the current APP_SECRET_KEY.
                              Stop the hub first; start it again with the new key.
  help                        Show this text.

The hub must be stopped for any command on PGlite (its files belong to one process).`;

class UsageError extends Error {}

/** A path as the operator typed it, relative to where pnpm was started. */
const fromCaller = (p: string) => path.resolve(process.env.INIT_CWD ?? process.cwd(), p);

/** Backup and restore need no secrets: never refuse them for a missing JWT_SECRET. */
function opsConfig(): Config {
  return loadConfig({ LOG_LEVEL: 'warn', ...process.env }, { mode: 'development' });
}

const out = (line: string) => process.stdout.write(`${line}\n`);

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'backup': {
      const { values } = parseArgs({ args: rest, options: { out: { type: 'string', short: 'o' } }, strict: true, allowPositionals: false });
      const config = opsConfig();
      // Without --out, the default name lands where the operator started pnpm.
      const result = await backupDatabase(config, fromCaller(values.out ?? defaultBackupName(databaseKind(config))));
      out(`backup written: ${result.file} (${databaseKind(config)}, ${formatBytes(result.bytes)}, ${result.ms} ms)`);
      return 0;
    }
    case 'restore': {
      const { positionals } = parseArgs({ args: rest, options: {}, strict: true, allowPositionals: true });
      if (positionals.length !== 1) throw new UsageError('restore takes exactly one FILE');
      const config = opsConfig();
      const r = await restoreDatabase(config, fromCaller(positionals[0]!));
      out(
        `restored ${r.file} into ${r.kind === 'postgres' ? 'the PostgreSQL database of DATABASE_URL' : pgliteDataDir(config)} in ${r.ms} ms: ` +
          `${r.counts.organizations} organizations, ${r.counts.channels} channels, ${r.counts.threads} threads, ${r.counts.messages} messages, ${r.counts.migrations} migrations recorded`,
      );
      return 0;
    }
    case 'rotate-secrets': {
      const { values } = parseArgs({ args: rest, options: { from: { type: 'string' } }, strict: true, allowPositionals: false });
      if (!values.from) throw new UsageError('rotate-secrets needs --from OLD (the APP_SECRET_KEY the secrets were sealed with)');
      const config = opsConfig();
      if (config.appSecretKey === DEV_APP_SECRET_KEY && process.env.NODE_ENV !== 'development') {
        throw new OpsError(
          'APP_SECRET_KEY is not set (or is the development key): refusing to re-seal channel secrets under the development key. ' +
            'Set APP_SECRET_KEY to the new key (32+ characters); only NODE_ENV=development allows the development key.',
        );
      }
      if (values.from === config.appSecretKey) throw new OpsError('--from is the current APP_SECRET_KEY: there is nothing to rotate.');
      if (!config.DATABASE_URL) assertPgliteClosed(pgliteDataDir(config));
      // Loaded here only: backup and restore start faster without the whole app.
      const [{ createApp }, { rotateSecrets }] = await Promise.all([import('./app.js'), import('./ops/rotate-secrets.js')]);
      const app = await createApp({ config });
      try {
        const r = await rotateSecrets(app, values.from);
        out(
          `rotate-secrets: ${r.channels} channels checked, ${r.resealed} secrets re-sealed in ${r.channelsChanged} channels, ` +
            `${r.alreadyCurrent} already sealed with the current key (skipped), ${r.unreadable.length} opened with neither key`,
        );
        if (r.unreadable.length) {
          const channels = [...new Set(r.unreadable.map((u) => u.channelId))];
          process.stderr.write(
            `${r.unreadable.length} sealed values open neither with --from nor with the current APP_SECRET_KEY and were left unchanged ` +
              `(channels ${channels.join(', ')}): is --from the right key?${r.resealed ? '' : ' Nothing changed.'}\n`,
          );
          return 1;
        }
        return 0;
      } finally {
        await app.close();
      }
    }
    case 'analytics:backfill': {
      const { values } = parseArgs({ args: rest, options: { org: { type: 'string' } }, strict: true, allowPositionals: false });
      const config = opsConfig();
      if (!config.DATABASE_URL) assertPgliteClosed(pgliteDataDir(config));
      const [{ createApp }, { backfillReporting }] = await Promise.all([import('./app.js'), import('./modules/analytics/backfill.js')]);
      const app = await createApp({ config });
      try {
        const orgs = await app.db.prisma.organization.findMany({ where: values.org ? { slug: values.org } : {}, select: { id: true, slug: true } });
        if (values.org && !orgs.length) throw new OpsError(`no organization with slug "${values.org}"`);
        for (const org of orgs) {
          const started = Date.now();
          const r = await backfillReporting(app, org.id);
          out(`analytics:backfill: ${org.slug}: ${r.threads} threads replayed, ${r.events} reporting events written in ${Date.now() - started} ms`);
        }
        return 0;
      } finally {
        await app.close();
      }
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function formatBytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`;
}

async function runCli(): Promise<void> {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (err) {
    const e = err as Error & { code?: string };
    if (err instanceof UsageError || e.code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`hub: ${e.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else if (err instanceof OpsError || /^Invalid configuration/.test(e.message)) {
      process.stderr.write(`hub: ${e.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`hub: ${e.stack ?? e.message}\n`);
      process.exitCode = 1;
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await runCli();
