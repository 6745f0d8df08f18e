// npm run emulator -- --port <port> [--data <file>] [--client-id <id>] [--client-secret <secret>]
//   [--jwt-key <pem file: public key or certificate>] [--daily-api-limit <n>] [--token-ttl <seconds>]
//   [--run-as <username>] [--callback-url <url>]... [--login-port <port>] [--sandbox-login-port <port>]
//   [--sandbox]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_USER_PASSWORD, startEmulator, type EmulatorOptions } from './index.ts';

const USAGE = `Salesforce org emulator: a local org that speaks Salesforce's wire protocols
(OAuth, REST data API, SOQL, UI API, GraphQL, CometD with replay, change data capture).

Usage: npm run emulator -- [options]

Options:
  --port <port>              port on 127.0.0.1 (default 8642; 0 picks a free one)
  --data <file>              keep the org in this JSON file between runs (default: in memory)
  --client-id <id>           OAuth client id it accepts (default: generated and printed)
  --client-secret <secret>   OAuth client secret it accepts; also guards /__emulator/ (default: generated)
  --jwt-key <pem file>       public key or X.509 certificate that verifies JWT bearer assertions
  --daily-api-limit <n>      daily API allowance reported in Sforce-Limit-Info and /limits
  --cdc-entities <n>         entities change data capture may select (default 5, the allowance
                             without the Change Data Capture add-on)
  --token-ttl <seconds>      access token lifetime, after which calls get 401 INVALID_SESSION_ID
  --run-as <username>        the client-credentials flow's Run As user (default: the integration user)
  --callback-url <url>       a callback URL of the default connected app (repeat for more;
                             default: the Salesforce CLI's http://localhost:1717/OauthRedirect)
  --login-port <port>        port of the production login host, as login.salesforce.com (default: free)
  --sandbox-login-port <port>  port of the sandbox login host, as test.salesforce.com (default: free)
  --sandbox                  the org is a sandbox: its users log in on the sandbox login host
  --help                     show this help`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      help: { type: 'boolean', default: false },
      port: { type: 'string', default: '8642' },
      data: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'jwt-key': { type: 'string' },
      'daily-api-limit': { type: 'string' },
      'cdc-entities': { type: 'string' },
      'token-ttl': { type: 'string' },
      'run-as': { type: 'string' },
      'callback-url': { type: 'string', multiple: true },
      'login-port': { type: 'string' },
      'sandbox-login-port': { type: 'string' },
      sandbox: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const options: EmulatorOptions = { port: Number(values.port) };
  if (!Number.isInteger(options.port) || options.port < 0)
    throw new Error(`--port must be a port number, got ${values.port}`);
  if (values.data !== undefined) options.dataFile = values.data;
  if (values['client-id'] !== undefined) options.clientId = values['client-id'];
  if (values['client-secret'] !== undefined) options.clientSecret = values['client-secret'];
  if (values['daily-api-limit'] !== undefined) options.dailyApiLimit = Number(values['daily-api-limit']);
  if (values['cdc-entities'] !== undefined) {
    const allowance = Number(values['cdc-entities']);
    if (!Number.isInteger(allowance) || allowance < 0)
      throw new Error(`--cdc-entities must be a count, got ${values['cdc-entities']}`);
    options.changeDataCaptureEntities = allowance;
  }
  if (values['token-ttl'] !== undefined) options.tokenTtlSeconds = Number(values['token-ttl']);
  if (values['run-as'] !== undefined) options.runAsUsername = values['run-as'];
  if (values['callback-url'] !== undefined) options.connectedApp = { callbackUrls: values['callback-url'] };
  const port = (name: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const number = Number(value);
    if (!Number.isInteger(number) || number < 0)
      throw new Error(`--${name} must be a port number, got ${value}`);
    return number;
  };
  const production = port('login-port', values['login-port']);
  const sandbox = port('sandbox-login-port', values['sandbox-login-port']);
  options.loginPorts = {
    ...(production === undefined ? {} : { production }),
    ...(sandbox === undefined ? {} : { sandbox }),
  };
  if (values.sandbox) options.sandbox = true;
  if (values['jwt-key'] !== undefined) {
    const pem = readFileSync(values['jwt-key'], 'utf8');
    if (pem.includes('BEGIN CERTIFICATE')) options.jwtCertificate = pem;
    else options.jwtPublicKey = pem;
  }
  const emulator = await startEmulator(options);
  const lines = [
    `Salesforce org emulator listening on ${emulator.url}`,
    `  instance / login URL: ${emulator.url}`,
    `  production login:     ${emulator.loginUrls.production}`,
    `  sandbox login:        ${emulator.loginUrls.sandbox}`,
    `  OAuth client id:      ${emulator.clientId}`,
    `  OAuth client secret:  ${emulator.clientSecret}`,
    `  org id:               ${emulator.orgId}`,
    `  data:                 ${options.dataFile ?? '(in memory)'}`,
    '  users:',
    ...emulator.users.map((u) => `    ${u.id}  ${u.username}  (${u.firstName} ${u.lastName})`),
    `  login page password of seeded users: ${DEFAULT_USER_PASSWORD}`,
  ];
  console.log(lines.join('\n'));
  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
