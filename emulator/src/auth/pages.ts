// The HTML a person sees during an OAuth login: the login page, the approval ("Allow Access?") page
// and the remote-access error page, with Salesforce's wording, SLDS class names and look (the
// design tokens inlined: a login page loads nothing from elsewhere), labelled controls and alerts a
// screen reader announces. No script: plain forms that work in any browser.
import { SCOPE_LABELS } from './connected-apps.ts';
import type { Environment } from './login-host.ts';

function escape(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

// SLDS design tokens: brand #0176d3, text #181818, borders #c9c9c9, error #ba0517, Salesforce Sans
// falling back to the system stack.
const STYLE = `
*,*::before,*::after{box-sizing:border-box}
html{font-family:"Salesforce Sans",-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;font-size:100%;color:#181818;background:#f3f3f3}
body{margin:0;min-height:100vh;display:flex;align-items:flex-start;justify-content:center;padding:4rem 1rem}
.slds-card{background:#fff;border:1px solid #c9c9c9;border-radius:.25rem;box-shadow:0 2px 2px rgba(0,0,0,.1);width:100%;max-width:24rem;padding:1.5rem}
.sia-logo{display:block;margin:0 auto 1rem;font-size:1.5rem;font-weight:700;color:#0176d3;text-align:center}
.slds-text-heading_medium{font-size:1.25rem;font-weight:400;line-height:1.25;margin:0 0 1rem}
.slds-badge{display:inline-block;padding:.125rem .5rem;border-radius:15rem;background:#fe9339;color:#181818;font-size:.75rem;font-weight:700;text-transform:uppercase;margin-bottom:1rem}
.slds-form-element{margin-bottom:1rem}
.slds-form-element__label{display:block;font-size:.8125rem;color:#444;margin-bottom:.25rem}
.slds-input{width:100%;min-height:2.25rem;padding:0 .75rem;border:1px solid #747474;border-radius:.25rem;font:inherit;font-size:.875rem}
.slds-input:focus{outline:0;border-color:#0176d3;box-shadow:0 0 3px #0176d3}
.slds-button{display:inline-flex;align-items:center;justify-content:center;min-height:2.25rem;padding:0 1rem;border-radius:.25rem;border:1px solid #c9c9c9;background:#fff;color:#0176d3;font:inherit;font-size:.875rem;cursor:pointer}
.slds-button:focus-visible{outline:2px solid #0176d3;outline-offset:2px}
.slds-button_brand{background:#0176d3;border-color:#0176d3;color:#fff}
.slds-button_stretch{width:100%}
.slds-button-group{display:flex;gap:.5rem;justify-content:flex-end;margin-top:1.5rem}
.slds-notify_alert{border-radius:.25rem;padding:.5rem .75rem;margin-bottom:1rem;font-size:.875rem}
.slds-theme_error{background:#ba0517;color:#fff}
.slds-list_dotted{margin:.5rem 0 1rem;padding-left:1.25rem;font-size:.875rem}
.slds-text-body_regular{font-size:.875rem;line-height:1.5;margin:0 0 .5rem}
.slds-text-color_weak{color:#444}
a{color:#0b5cab}
a:focus-visible{outline:2px solid #0176d3;outline-offset:2px}
code{font-family:Consolas,Menlo,monospace;font-size:.8125rem}
`;

function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main class="slds-card">
<span class="sia-logo" aria-hidden="true">salesforce</span>
${body}
</main>
</body>
</html>`;
}

export interface LoginPageInput {
  environment: Environment;
  startUrl: string;
  csrf: string;
  username: string;
  error?: string;
}

/** The login page (login.salesforce.com / test.salesforce.com). */
export function loginPage(input: LoginPageInput): string {
  const sandbox = input.environment === 'sandbox';
  const error =
    input.error === undefined
      ? ''
      : `<div class="slds-notify_alert slds-theme_error" role="alert" id="error">${escape(input.error)}</div>`;
  const described = input.error === undefined ? '' : ' aria-describedby="error"';
  return layout(
    sandbox ? 'Login | Salesforce Sandbox' : 'Login | Salesforce',
    `${sandbox ? '<span class="slds-badge">Sandbox</span>' : ''}
<h1 class="slds-text-heading_medium">${sandbox ? 'Log In to Sandbox' : 'Log In'}</h1>
${error}
<form method="post" action="/" novalidate>
<input type="hidden" name="startURL" value="${escape(input.startUrl)}">
<input type="hidden" name="csrf" value="${escape(input.csrf)}">
<div class="slds-form-element">
<label class="slds-form-element__label" for="username">Username</label>
<input class="slds-input" id="username" name="username" type="email" autocomplete="username" required value="${escape(input.username)}"${described}${input.username === '' ? ' autofocus' : ''}>
</div>
<div class="slds-form-element">
<label class="slds-form-element__label" for="password">Password</label>
<input class="slds-input" id="password" name="pw" type="password" autocomplete="current-password" required${described}${input.username === '' ? '' : ' autofocus'}>
</div>
<button class="slds-button slds-button_brand slds-button_stretch" type="submit" id="Login">Log In</button>
</form>`,
  );
}

export interface ApprovalPageInput {
  appLabel: string;
  username: string;
  scopes: string[];
  source: string;
  csrf: string;
  /** The login page with this request as its start URL ("Not you?"). */
  notYouUrl: string;
}

/** The approval page: what the app asks to do, for whom, and Allow / Deny. */
export function approvalPage(input: ApprovalPageInput): string {
  const labels = new Map<string, string[]>();
  for (const scope of input.scopes) {
    const label = SCOPE_LABELS[scope] ?? scope;
    labels.set(label, [...(labels.get(label) ?? []), scope]);
  }
  const items = [...labels]
    .map(([label, scopes]) => `<li>${escape(label)} (<code>${escape(scopes.join(', '))}</code>)</li>`)
    .join('\n');
  return layout(
    'Allow Access? | Salesforce',
    `<h1 class="slds-text-heading_medium">Allow Access?</h1>
<p class="slds-text-body_regular"><strong>${escape(input.appLabel)}</strong> is asking to:</p>
<ul class="slds-list_dotted">
${items}
</ul>
<p class="slds-text-body_regular slds-text-color_weak">Do you want to allow access for ${escape(input.username)}? (<a href="${escape(input.notYouUrl)}">Not you?</a>)</p>
<form method="post" action="/setup/secur/RemoteAccessAuthorizationPage.apexp">
<input type="hidden" name="source" value="${escape(input.source)}">
<input type="hidden" name="csrf" value="${escape(input.csrf)}">
<div class="slds-button-group">
<button class="slds-button" type="submit" name="action" value="Deny" id="oaapprove_deny">Deny</button>
<button class="slds-button slds-button_brand" type="submit" name="action" value="Allow" id="oaapprove">Allow</button>
</div>
</form>`,
  );
}

/** The page an authorize request that cannot go back to its app ends on. */
export function errorPage(error: string, description: string): string {
  return layout(
    'Remote Access Error | Salesforce',
    `<h1 class="slds-text-heading_medium">Remote Access Error</h1>
<div class="slds-notify_alert slds-theme_error" role="alert">
<p class="slds-text-body_regular">error=<code>${escape(error)}</code></p>
<p class="slds-text-body_regular">error_description=${escape(description)}</p>
</div>
<p class="slds-text-body_regular slds-text-color_weak">Close this window and contact the app's administrator.</p>`,
  );
}

/** What / shows someone already logged in who came with no authorize request. */
export function loggedInPage(username: string): string {
  return layout(
    'Salesforce',
    `<h1 class="slds-text-heading_medium">You're logged in</h1>
<p class="slds-text-body_regular">Logged in as ${escape(username)}.</p>
<p class="slds-text-body_regular"><a href="/secur/logout.jsp">Log Out</a></p>`,
  );
}
