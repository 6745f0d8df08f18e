// The signed-in user of the preview, as the preview server describes it in /preview/session.js
// (read from the emulator's userinfo endpoint). The values @salesforce/user, @salesforce/i18n and
// @salesforce/customPermission modules resolve to come from here.

export interface PreviewSession {
  userId: string;
  username: string;
  displayName: string;
  apiVersion: string;
  timeZone: string;
  locale: string;
  language: string;
  currency: string;
  customPermissions: string[];
  /** The users the preview can show Salesforce as (a link per user, /salesforce/as/<key>). */
  viewAs?: { key: string; displayName: string; current: boolean }[];
}

declare global {
  var __SIA_PREVIEW_SESSION__: PreviewSession | undefined;
}

function readSession(): PreviewSession {
  const session = globalThis.__SIA_PREVIEW_SESSION__;
  if (session === undefined)
    throw new Error('The preview session is missing: /preview/session.js must load before the app.');
  return session;
}

export const session: PreviewSession = readSession();

/** The UI API / REST base path of the session's API version. */
export function dataPath(path: string): string {
  return `/services/data/v${session.apiVersion}${path}`;
}
