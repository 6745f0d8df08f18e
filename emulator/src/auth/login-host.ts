// Where a request arrived: the org's instance (its My Domain, which serves everything) or one of
// the two login hosts, as login.salesforce.com (production) and test.salesforce.com (sandbox) are.
// A login host serves the OAuth pages and endpoints and the identity URLs only; it signs in the
// users of an org of its own kind, so a sandbox org's users cannot log in on the production host.

export type Environment = 'production' | 'sandbox';

export interface LoginHost {
  kind: 'instance' | 'login';
  environment: Environment;
  /** `http://127.0.0.1:<port>` of this host. */
  baseUrl: string;
}

/** Paths a login host answers; anything else there is 404 NOT_FOUND. */
export function servedOnLoginHost(path: string): boolean {
  return (
    path === '/' ||
    path.startsWith('/services/oauth2/') ||
    path.startsWith('/setup/secur/') ||
    path === '/secur/logout.jsp' ||
    path.startsWith('/id/')
  );
}
