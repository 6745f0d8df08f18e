import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONFIG_OPTIONS, ConfigError, helpText, loadConfig } from './config.ts';

const base = {
  SF_INSTANCE_URL: 'https://acme.my.salesforce.com',
  SF_CLIENT_ID: 'cid',
  SF_CLIENT_SECRET: 'secret',
  SIA_API_TOKEN: 'a-long-enough-token',
};

describe('loadConfig', () => {
  it('selects client credentials with defaults for the rest', () => {
    const config = loadConfig(base);
    assert.equal(config.salesforce.auth.kind, 'client_credentials');
    assert.equal(config.salesforce.loginUrl, 'https://acme.my.salesforce.com');
    assert.equal(config.salesforce.apiVersion, '66.0');
    assert.deepEqual(config.database, { kind: 'sqlite', path: 'data/sia-sync.sqlite' });
    assert.equal(config.port, 8787);
    assert.equal(config.inboundBacklogMax, 5_000);
  });

  it('reads the inbound backlog bound and refuses one that is not a positive whole number', () => {
    assert.equal(loadConfig({ ...base, SYNC_INBOUND_BACKLOG_MAX: '200' }).inboundBacklogMax, 200);
    assert.throws(
      () => loadConfig({ ...base, SYNC_INBOUND_BACKLOG_MAX: '0' }),
      (error: unknown) =>
        error instanceof ConfigError && error.problems.includes('SYNC_INBOUND_BACKLOG_MAX: must be positive'),
    );
  });

  it('selects JWT bearer with the audience of the login host', () => {
    const config = loadConfig({
      SF_LOGIN_URL: 'https://test.salesforce.com/',
      SF_CLIENT_ID: 'cid',
      SF_USERNAME: 'int@acme.com',
      SF_JWT_KEY_FILE: 'key.pem',
      SIA_API_TOKEN: 'a-long-enough-token',
      DATABASE_URL: 'postgres://postgres@127.0.0.1/sia',
    });
    assert.deepEqual(config.salesforce.auth, {
      kind: 'jwt_bearer',
      clientId: 'cid',
      username: 'int@acme.com',
      keyFile: 'key.pem',
      audience: 'https://test.salesforce.com',
    });
    assert.deepEqual(config.database, {
      kind: 'postgres',
      url: 'postgres://postgres@127.0.0.1/sia',
      schema: 'sia_sync',
    });
  });

  it('lists every problem with the variable it concerns', () => {
    assert.throws(
      () =>
        loadConfig({
          SF_CLIENT_ID: 'cid',
          SF_CLIENT_SECRET: 's',
          SF_USERNAME: 'u',
          PORT: 'eighty',
          SIA_API_TOKEN: 'a-long-enough-token',
          DATABASE_URL: 'mysql://x',
        }),
      (error: unknown) =>
        error instanceof ConfigError && error.problems.some((p) => p.startsWith('PORT: must be a number')),
    );
    assert.throws(
      () =>
        loadConfig({
          SF_CLIENT_ID: 'cid',
          SF_CLIENT_SECRET: 's',
          SF_USERNAME: 'u',
          SIA_API_TOKEN: 'a-long-enough-token',
          DATABASE_URL: 'mysql://x',
        }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.problems.includes('SF_LOGIN_URL or SF_INSTANCE_URL: one is required') &&
        error.problems.some((p) => p.startsWith('SF_CLIENT_SECRET and SF_USERNAME')) &&
        error.problems.includes('DATABASE_URL: must start with sqlite: or postgres://'),
    );
    assert.throws(
      () => loadConfig({ ...base, SIA_API_TOKEN: 'short' }),
      /SIA_API_TOKEN: must be at least 16 characters/,
    );
  });

  it('reads the connection settings: login hosts, public URL and the token keys', () => {
    const plain = loadConfig(base).connections;
    assert.ok(plain);
    assert.deepEqual(plain.loginUrls, {
      production: 'https://login.salesforce.com',
      sandbox: 'https://test.salesforce.com',
    });
    assert.equal(plain.tokenKeys, undefined);
    const key = Buffer.alloc(32, 7).toString('base64');
    const config = loadConfig({
      ...base,
      SIA_PUBLIC_URL: 'https://sia.example.com/',
      SF_PRODUCTION_LOGIN_URL: 'https://acme.my.salesforce.com',
      SIA_TOKEN_KEYS: `2026-12:${key}, 2026-01:${key}`,
    }).connections;
    assert.ok(config?.tokenKeys);
    assert.equal(config.publicUrl, 'https://sia.example.com');
    assert.equal(config.loginUrls.production, 'https://acme.my.salesforce.com');
    assert.equal(config.tokenKeys.current, '2026-12');
    assert.deepEqual([...config.tokenKeys.keys.keys()], ['2026-12', '2026-01']);
    assert.throws(
      () => loadConfig({ ...base, SIA_TOKEN_KEYS: 'k1:c2hvcnQ=' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.problems.includes(
          'SIA_TOKEN_KEYS: key k1 must be 32 bytes of base64 (openssl rand -base64 32)',
        ),
    );
  });

  it('lists every missing variable at once when nothing is configured', () => {
    assert.throws(
      () => loadConfig({}),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        for (const variable of [
          'SIA_API_TOKEN',
          'SF_LOGIN_URL or SF_INSTANCE_URL',
          'SF_CLIENT_ID',
          'SF_CLIENT_SECRET',
        ])
          assert.ok(
            error.problems.some((problem) => problem.startsWith(variable)),
            `${variable} is not named in:\n${error.message}`,
          );
        return true;
      },
    );
  });

  for (const [what, token, message] of [
    ['sixteen spaces', ' '.repeat(16), /must not be blank/],
    ['a token with a space', 'abcdefgh ijklmnop', /must not contain whitespace/],
    ['one repeated character', 'a'.repeat(32), /at least 8 different characters/],
    ['characters a bearer header cannot carry', 'abcdefgh<ijklmnop>', /only letters, digits/],
  ] as const) {
    it(`refuses ${what} as SIA_API_TOKEN with a clear start-up error`, () => {
      assert.throws(
        () => loadConfig({ ...base, SIA_API_TOKEN: token }),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.problems.some((problem) => problem.startsWith('SIA_API_TOKEN:') && message.test(problem)),
      );
    });
  }

  it('accepts a random token', () => {
    const token = 'f3a91c0d5e7b24680a1b2c3d4e5f6789';
    assert.equal(loadConfig({ ...base, SIA_API_TOKEN: token }).apiToken, token);
  });

  it('documents every option in --help', () => {
    const text = helpText();
    for (const option of CONFIG_OPTIONS) assert.ok(text.includes(option.name), option.name);
  });
});
