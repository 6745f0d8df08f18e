// Mints access tokens for the two server-to-server flows: client credentials and JWT bearer
// (RS256 assertion signed with jose; Salesforce wants `exp` within 3 minutes — Salesforce Help,
// "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration").
import { readFile } from 'node:fs/promises';
import { SignJWT, importPKCS8 } from 'jose';
import { z } from 'zod';
import type { SalesforceAuth } from '../config.ts';
import { SalesforceApiError } from './errors.ts';

export interface AccessToken {
  accessToken: string;
  instanceUrl: string;
  issuedAt: number;
}

const tokenResponse = z.object({
  access_token: z.string().min(1),
  instance_url: z.string().min(1),
  issued_at: z.string().optional(),
});
const tokenError = z.object({ error: z.string(), error_description: z.string().optional() });

export async function jwtAssertion(
  auth: { clientId: string; username: string; keyFile: string; audience: string },
  now: Date,
): Promise<string> {
  const pem = await readFile(auth.keyFile, 'utf8');
  const key = await importPKCS8(pem, 'RS256');
  const seconds = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(auth.clientId)
    .setSubject(auth.username)
    .setAudience(auth.audience)
    .setExpirationTime(seconds + 170)
    .sign(key);
}

export async function mintToken(options: {
  loginUrl: string;
  auth: SalesforceAuth;
  now: Date;
  fetch?: typeof fetch;
}): Promise<AccessToken> {
  const form = new URLSearchParams();
  if (options.auth.kind === 'client_credentials') {
    form.set('grant_type', 'client_credentials');
    form.set('client_id', options.auth.clientId);
    form.set('client_secret', options.auth.clientSecret);
  } else {
    form.set('grant_type', 'urn:ietf:params:oauth:grant-type:jwt-bearer');
    form.set('assertion', await jwtAssertion(options.auth, options.now));
  }
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(`${options.loginUrl}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form,
    });
  } catch (error) {
    throw new SalesforceApiError({
      errorCode: 'FETCH_FAILED',
      message: `token endpoint unreachable: ${String(error)}`,
      operation: 'oauth2/token',
      attempt: 1,
      cause: error,
    });
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const parsed = tokenError.safeParse(body);
    const code = parsed.success ? parsed.data.error.toUpperCase() : `ERROR_HTTP_${response.status}`;
    const message = parsed.success
      ? (parsed.data.error_description ?? parsed.data.error)
      : `HTTP ${response.status}`;
    throw new SalesforceApiError({ errorCode: code, message, operation: 'oauth2/token', attempt: 1 });
  }
  const parsed = tokenResponse.safeParse(body);
  if (!parsed.success) {
    throw new SalesforceApiError({
      errorCode: 'UNKNOWN_EXCEPTION',
      message: 'token response without access_token/instance_url',
      operation: 'oauth2/token',
      attempt: 1,
    });
  }
  return {
    accessToken: parsed.data.access_token,
    instanceUrl: parsed.data.instance_url,
    issuedAt: Number(parsed.data.issued_at ?? options.now.getTime()),
  };
}
