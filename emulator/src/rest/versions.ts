// /services/data/ (versions) and /services/data/vXX.X/ (resources).
// Salesforce retired API versions 21.0-30.0 in Summer '25; 31.0 up to the newest release stay
// available (tools such as the Salesforce CLI still call v51.0 for some requests).
const OLDEST = 31;
const NEWEST = 68; // Winter '27

/** `[version, release label]` from the newest back: 68.0 Winter '27, 67.0 Summer '26, 66.0 Spring '26, ... */
function releases(): [string, string][] {
  const seasons = ['Winter', 'Summer', 'Spring'];
  const list: [string, string][] = [];
  let year = 27;
  for (let v = NEWEST, i = 0; v >= OLDEST; v--, i++) {
    const season = seasons[i % 3] ?? 'Winter';
    if (season === 'Summer') year--;
    list.push([`${v}.0`, `${season} '${String(year).padStart(2, '0')}`]);
  }
  return list.reverse();
}

const RELEASES = releases();

export const LATEST_API_VERSION = '68.0';

export function isSupportedVersion(version: string): boolean {
  return RELEASES.some(([v]) => v === version);
}

export function versionsList(): Record<string, string>[] {
  return RELEASES.map(([version, label]) => ({ label, url: `/services/data/v${version}`, version }));
}

export function resources(version: string, identityUrl: string): Record<string, string> {
  const base = `/services/data/v${version}`;
  return {
    limits: `${base}/limits`,
    sobjects: `${base}/sobjects`,
    query: `${base}/query`,
    queryAll: `${base}/queryAll`,
    composite: `${base}/composite`,
    identity: identityUrl,
  };
}
