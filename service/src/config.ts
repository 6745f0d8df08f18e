// Service configuration: read from an environment object the caller passes in (never at import time)
// and validated with zod, so a bad value stops the start with a message naming the variable.
import { z } from 'zod';
import { TokenKeyError, parseTokenKeys, type TokenKeyring } from './token-keys.ts';

export interface ClientCredentialsAuth {
  kind: 'client_credentials';
  clientId: string;
  clientSecret: string;
}

export interface JwtBearerAuth {
  kind: 'jwt_bearer';
  clientId: string;
  username: string;
  keyFile: string;
  /** The JWT `aud` claim: https://login.salesforce.com, https://test.salesforce.com or the My Domain URL. */
  audience: string;
}

export type SalesforceAuth = ClientCredentialsAuth | JwtBearerAuth;

export type DatabaseConfig =
  { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; schema: string };

/** Each rep's own Salesforce connection (OAuth web-server flow). */
export interface ConnectionsConfig {
  /** The service's URL as a browser reaches it; the OAuth callback is `<publicUrl>/oauth/salesforce/callback`. */
  publicUrl: string | undefined;
  /** Where reps log in: the production and sandbox login hosts (or My Domain URLs). */
  loginUrls: { production: string; sandbox: string };
  /** The keys that encrypt stored tokens; without them nobody can connect. */
  tokenKeys: TokenKeyring | undefined;
}

export interface ServiceConfig {
  salesforce: {
    /** Where the token endpoint lives: the login host or the org's My Domain. */
    loginUrl: string;
    /** Overrides the instance URL the token response names (useful behind proxies and for the emulator). */
    instanceUrl: string | undefined;
    apiVersion: string;
    auth: SalesforceAuth;
  };
  /** Absent: nobody can connect (no token keys), reps log in on the public login hosts. */
  connections?: ConnectionsConfig;
  database: DatabaseConfig;
  host: string;
  port: number;
  apiToken: string;
  reconcileIntervalMs: number;
  outboxIntervalMs: number;
  /** How long queued changes wait to go out together (from the oldest); default 1,200 ms. */
  outboxCoalesceMs?: number;
  /** How long a shutdown (SIGTERM) may take before the running batch is abandoned; default 10 s. */
  shutdownTimeoutMs?: number;
  /** Change events received and not yet applied before a stream pauses; default 5,000. */
  inboundBacklogMax?: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export interface ConfigOption {
  name: string;
  description: string;
  defaultValue?: string;
}

/** Every environment variable the service reads; `--help` prints this list. */
export const CONFIG_OPTIONS: readonly ConfigOption[] = [
  {
    name: 'SF_LOGIN_URL',
    description:
      'OAuth token host (https://login.salesforce.com, https://test.salesforce.com or My Domain URL). One of SF_LOGIN_URL / SF_INSTANCE_URL is required.',
  },
  {
    name: 'SF_INSTANCE_URL',
    description:
      'The org My Domain URL; used as login host when SF_LOGIN_URL is not set, and as API host instead of the token response instance_url.',
  },
  { name: 'SF_CLIENT_ID', description: 'Consumer key of the External Client App (both flows).' },
  { name: 'SF_CLIENT_SECRET', description: 'Consumer secret: selects the client-credentials flow.' },
  {
    name: 'SF_USERNAME',
    description: 'Integration user name: with SF_JWT_KEY_FILE selects the JWT bearer flow.',
  },
  {
    name: 'SF_JWT_KEY_FILE',
    description: 'PEM (PKCS#8) private key whose certificate is uploaded to the External Client App.',
  },
  {
    name: 'SF_JWT_AUDIENCE',
    description: 'JWT aud claim.',
    defaultValue: 'the login URL host (login/test.salesforce.com) or the My Domain URL',
  },
  { name: 'SF_API_VERSION', description: 'Salesforce REST API version.', defaultValue: '66.0' },
  {
    name: 'SF_PRODUCTION_LOGIN_URL',
    description: 'Where reps connecting a production org log in (or the org My Domain URL).',
    defaultValue: 'https://login.salesforce.com',
  },
  {
    name: 'SF_SANDBOX_LOGIN_URL',
    description: 'Where reps connecting a sandbox log in.',
    defaultValue: 'https://test.salesforce.com',
  },
  {
    name: 'SIA_PUBLIC_URL',
    description:
      'The service URL as browsers reach it; the OAuth callback <SIA_PUBLIC_URL>/oauth/salesforce/callback must be a callback URL of the External Client App.',
    defaultValue: 'http://<HOST>:<PORT>',
  },
  {
    name: 'SIA_TOKEN_KEYS',
    description:
      'Keys that encrypt stored Salesforce tokens (AES-256-GCM): <key id>:<32 bytes base64>[,<older id>:<key>...]; the first encrypts, all decrypt. Without it reps cannot connect.',
  },
  {
    name: 'DATABASE_URL',
    description: 'sqlite:<path> selects SQLite, postgres://user@host:port/db selects PostgreSQL.',
    defaultValue: 'sqlite:data/sia-sync.sqlite',
  },
  {
    name: 'DATABASE_SCHEMA',
    description: 'PostgreSQL schema for the service tables.',
    defaultValue: 'sia_sync',
  },
  { name: 'HOST', description: 'Interface the SIA API listens on.', defaultValue: '127.0.0.1' },
  { name: 'PORT', description: 'Port of the SIA API.', defaultValue: '8787' },
  {
    name: 'SIA_API_TOKEN',
    description:
      'Bearer token clients of the SIA API must send: at least 16 characters, at least 8 different ones, no whitespace (letters, digits and - . _ ~ + / =), e.g. openssl rand -hex 32.',
  },
  {
    name: 'SYNC_RECONCILE_INTERVAL_MS',
    description: 'Interval of the getUpdated/getDeleted reconciliation sweep.',
    defaultValue: '900000',
  },
  {
    name: 'SYNC_OUTBOX_INTERVAL_MS',
    description: 'How often the outbox is checked for retries that fell due.',
    defaultValue: '1000',
  },
  {
    name: 'SYNC_OUTBOX_COALESCE_MS',
    description:
      'How long a queued SIA change waits for others before it is sent (a full collection of 200 goes at once).',
    defaultValue: '1200',
  },
  {
    name: 'SYNC_INBOUND_BACKLOG_MAX',
    description:
      'Change events received and not yet applied beyond which a change stream stops taking events; it resumes from the last applied replay id once they are applied.',
    defaultValue: '5000',
  },
  {
    name: 'SYNC_SHUTDOWN_TIMEOUT_MS',
    description:
      'How long a shutdown (SIGTERM, SIGINT) may take: the running batch finishes, or is abandoned safely after this, and the process exits.',
    defaultValue: '10000',
  },
  { name: 'LOG_LEVEL', description: 'pino log level.', defaultValue: 'info' },
];

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();
const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const positiveInt = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((value) => (value === undefined || value.trim() === '' ? String(fallback) : value))
    .pipe(
      z.coerce
        .number<string>({ error: 'must be a number' })
        .int('must be a whole number')
        .positive('must be positive'),
    );

/**
 * A bearer token worth the name: long, varied, and sendable as `Authorization: Bearer <token>`
 * (RFC 6750 b64token characters, so no whitespace). Sixteen spaces or `aaaaaaaaaaaaaaaa` are refused.
 */
const apiToken = z
  .string({ error: 'is required (the bearer token SIA API clients send; e.g. openssl rand -hex 32)' })
  .refine((value) => value.trim() !== '', {
    error: 'must not be blank (use a long random value, e.g. openssl rand -hex 32)',
    abort: true,
  })
  .refine((value) => !/\s/.test(value), 'must not contain whitespace')
  .refine(
    (value) => /^[A-Za-z0-9\-._~+/]+=*$/.test(value) || /\s/.test(value),
    'may contain only letters, digits and - . _ ~ + / (then = at the end)',
  )
  .refine((value) => value.length >= 16, 'must be at least 16 characters')
  .refine(
    (value) => new Set(value).size >= 8,
    'must be random: at least 8 different characters (e.g. openssl rand -hex 32)',
  );

const envSchema = z.object({
  SF_LOGIN_URL: optionalText.pipe(url.optional()),
  SF_INSTANCE_URL: optionalText.pipe(url.optional()),
  SF_CLIENT_ID: optionalText,
  SF_CLIENT_SECRET: optionalText,
  SF_USERNAME: optionalText,
  SF_JWT_KEY_FILE: optionalText,
  SF_JWT_AUDIENCE: optionalText.pipe(url.optional()),
  SF_PRODUCTION_LOGIN_URL: optionalText.pipe(url.optional()),
  SF_SANDBOX_LOGIN_URL: optionalText.pipe(url.optional()),
  SIA_PUBLIC_URL: optionalText.pipe(url.optional()),
  SIA_TOKEN_KEYS: optionalText,
  SF_API_VERSION: optionalText.pipe(
    z
      .string()
      .regex(/^\d{2}\.0$/, 'must look like 66.0')
      .optional(),
  ),
  DATABASE_URL: optionalText,
  DATABASE_SCHEMA: optionalText.pipe(
    z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier')
      .optional(),
  ),
  HOST: optionalText,
  PORT: z
    .string()
    .optional()
    .transform((value) => (value === undefined || value.trim() === '' ? '8787' : value))
    .pipe(
      z.coerce
        .number<string>({ error: 'must be a number' })
        .int('must be a whole number')
        .min(0)
        .max(65535, 'must be a port number (0-65535)'),
    ),
  SIA_API_TOKEN: apiToken,
  SYNC_RECONCILE_INTERVAL_MS: positiveInt(900_000),
  SYNC_OUTBOX_INTERVAL_MS: positiveInt(1_000),
  SYNC_OUTBOX_COALESCE_MS: positiveInt(1_200),
  SYNC_SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
  SYNC_INBOUND_BACKLOG_MAX: positiveInt(5_000),
  LOG_LEVEL: optionalText.pipe(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  ),
});

export function parseDatabaseUrl(value: string | undefined, schema: string | undefined): DatabaseConfig {
  const raw = value ?? 'sqlite:data/sia-sync.sqlite';
  if (raw.startsWith('sqlite:')) {
    const path = raw.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '')
      throw new ConfigError(['DATABASE_URL: sqlite: needs a file path, e.g. sqlite:data/sia-sync.sqlite']);
    return { kind: 'sqlite', path };
  }
  if (raw.startsWith('postgres://') || raw.startsWith('postgresql://')) {
    return { kind: 'postgres', url: raw, schema: schema ?? 'sia_sync' };
  }
  throw new ConfigError(['DATABASE_URL: must start with sqlite: or postgres://']);
}

function defaultAudience(loginUrl: string): string {
  const host = new URL(loginUrl).host;
  if (host === 'login.salesforce.com' || host === 'test.salesforce.com') return `https://${host}`;
  return loginUrl.replace(/\/$/, '');
}

/** Validates the environment; throws ConfigError listing every problem at once. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): ServiceConfig {
  const problems: string[] = [];
  // Each variable on its own, and the checks across variables on whatever parsed: one start lists
  // every problem at once.
  const parsed: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(envSchema.shape)) {
    const result = (schema as z.ZodType).safeParse(env[name]);
    if (result.success) parsed[name] = result.data;
    else for (const issue of result.error.issues) problems.push(`${name}: ${issue.message}`);
  }
  const e = parsed as Partial<z.infer<typeof envSchema>>;
  const loginUrl = e.SF_LOGIN_URL ?? e.SF_INSTANCE_URL;
  if (loginUrl === undefined) problems.push('SF_LOGIN_URL or SF_INSTANCE_URL: one is required');
  if (e.SF_CLIENT_ID === undefined)
    problems.push('SF_CLIENT_ID: is required (consumer key of the External Client App)');
  const hasSecret = e.SF_CLIENT_SECRET !== undefined;
  const hasJwt = e.SF_USERNAME !== undefined || e.SF_JWT_KEY_FILE !== undefined;
  if (hasSecret && hasJwt) {
    problems.push(
      'SF_CLIENT_SECRET and SF_USERNAME/SF_JWT_KEY_FILE: choose one flow (client credentials or JWT bearer)',
    );
  } else if (!hasSecret && !hasJwt) {
    problems.push(
      'SF_CLIENT_SECRET (client credentials) or SF_USERNAME + SF_JWT_KEY_FILE (JWT bearer): one flow is required',
    );
  } else if (hasJwt && (e.SF_USERNAME === undefined || e.SF_JWT_KEY_FILE === undefined)) {
    problems.push('SF_USERNAME and SF_JWT_KEY_FILE: the JWT bearer flow needs both');
  }
  let tokenKeys: TokenKeyring | undefined;
  if (e.SIA_TOKEN_KEYS !== undefined) {
    try {
      tokenKeys = parseTokenKeys(e.SIA_TOKEN_KEYS);
    } catch (error) {
      if (error instanceof TokenKeyError) problems.push(`SIA_TOKEN_KEYS: ${error.message}`);
      else throw error;
    }
  }
  let database: DatabaseConfig | undefined;
  try {
    database = parseDatabaseUrl(e.DATABASE_URL, e.DATABASE_SCHEMA);
  } catch (error) {
    if (error instanceof ConfigError) problems.push(...error.problems);
    else throw error;
  }
  if (
    problems.length > 0 ||
    loginUrl === undefined ||
    e.SF_CLIENT_ID === undefined ||
    database === undefined ||
    e.PORT === undefined ||
    e.SIA_API_TOKEN === undefined ||
    e.SYNC_RECONCILE_INTERVAL_MS === undefined ||
    e.SYNC_OUTBOX_INTERVAL_MS === undefined ||
    e.SYNC_OUTBOX_COALESCE_MS === undefined
  ) {
    throw new ConfigError(problems);
  }
  const auth: SalesforceAuth =
    e.SF_CLIENT_SECRET !== undefined
      ? { kind: 'client_credentials', clientId: e.SF_CLIENT_ID, clientSecret: e.SF_CLIENT_SECRET }
      : {
          kind: 'jwt_bearer',
          clientId: e.SF_CLIENT_ID,
          username: e.SF_USERNAME ?? '',
          keyFile: e.SF_JWT_KEY_FILE ?? '',
          audience: e.SF_JWT_AUDIENCE ?? defaultAudience(loginUrl),
        };
  return {
    salesforce: {
      loginUrl: loginUrl.replace(/\/$/, ''),
      instanceUrl: e.SF_INSTANCE_URL?.replace(/\/$/, ''),
      apiVersion: e.SF_API_VERSION ?? '66.0',
      auth,
    },
    connections: {
      publicUrl: e.SIA_PUBLIC_URL?.replace(/\/$/, ''),
      loginUrls: {
        production: (e.SF_PRODUCTION_LOGIN_URL ?? 'https://login.salesforce.com').replace(/\/$/, ''),
        sandbox: (e.SF_SANDBOX_LOGIN_URL ?? 'https://test.salesforce.com').replace(/\/$/, ''),
      },
      tokenKeys,
    },
    database,
    host: e.HOST ?? '127.0.0.1',
    port: e.PORT,
    apiToken: e.SIA_API_TOKEN,
    reconcileIntervalMs: e.SYNC_RECONCILE_INTERVAL_MS,
    outboxIntervalMs: e.SYNC_OUTBOX_INTERVAL_MS,
    outboxCoalesceMs: e.SYNC_OUTBOX_COALESCE_MS,
    shutdownTimeoutMs: e.SYNC_SHUTDOWN_TIMEOUT_MS,
    inboundBacklogMax: e.SYNC_INBOUND_BACKLOG_MAX,
    logLevel: e.LOG_LEVEL ?? 'info',
  };
}

export function helpText(): string {
  const lines = [
    'SIA Sync service: the SIA task store and two-way task sync with Salesforce.',
    '',
    'Usage: npm run service [-- --help]',
    '',
    'Configuration (environment variables):',
  ];
  for (const option of CONFIG_OPTIONS) {
    lines.push(`  ${option.name}`);
    lines.push(
      `      ${option.description}${option.defaultValue === undefined ? '' : ` Default: ${option.defaultValue}.`}`,
    );
  }
  lines.push(
    '',
    'Authentication: client credentials (SF_CLIENT_ID + SF_CLIENT_SECRET) or JWT bearer (SF_CLIENT_ID + SF_USERNAME + SF_JWT_KEY_FILE).',
  );
  return lines.join('\n');
}
