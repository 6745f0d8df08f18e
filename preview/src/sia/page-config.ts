// What the preview server tells the SIA page in /sia/session.js: the signed-in SIA user and the
// people (from the CRM) tasks can be about.

export interface SiaPerson {
  salesforceId: string;
  name: string;
  kind: string;
}

export interface SiaPageConfig {
  ownerId: string;
  ownerName: string;
  timeZone: string;
  people: SiaPerson[];
}

declare global {
  var __SIA_PAGE_CONFIG__: SiaPageConfig | undefined;
}

export function pageConfig(): SiaPageConfig {
  const config = globalThis.__SIA_PAGE_CONFIG__;
  if (config === undefined)
    throw new Error('The SIA page config is missing: /sia/session.js must load first.');
  return config;
}

export const TYPE_LABELS: Readonly<Record<string, string>> = {
  call: 'Call',
  email: 'Email',
  inmail: 'InMail',
  custom: 'Custom',
};

export const TYPE_ICONS: Readonly<Record<string, string>> = {
  call: 'utility:call',
  email: 'utility:email',
  inmail: 'utility:people',
  custom: 'utility:task',
};
