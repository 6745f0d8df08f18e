// /services/data/ (versions) and /services/data/vXX.X/ (resources).
const RELEASES: [string, string][] = [
  ['55.0', "Summer '22"],
  ['56.0', "Winter '23"],
  ['57.0', "Spring '23"],
  ['58.0', "Summer '23"],
  ['59.0', "Winter '24"],
  ['60.0', "Spring '24"],
  ['61.0', "Summer '24"],
  ['62.0', "Winter '25"],
  ['63.0', "Spring '25"],
  ['64.0', "Summer '25"],
  ['65.0', "Winter '26"],
  ['66.0', "Spring '26"],
  ['67.0', "Summer '26"],
  ['68.0', "Winter '27"],
];

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
