// GET /services/oauth2/userinfo (OpenID Connect shape) and the identity URL /id/<orgId>/<userId>
// that the token response's `id` points to. Identity URLs are on the host that issued the token (a
// login host or the instance); the API URLs they list are the instance's.
import type { Org } from '../org/org.ts';
import type { SessionInfo } from '../streaming/types.ts';

const LATEST_VERSION = '68.0';

function urls(baseUrl: string, session: SessionInfo): Record<string, string> {
  const data = `${baseUrl}/services/data/v{version}`;
  return {
    enterprise: `${baseUrl}/services/Soap/c/{version}/${session.orgId.slice(0, 15)}`,
    metadata: `${baseUrl}/services/Soap/m/{version}/${session.orgId.slice(0, 15)}`,
    partner: `${baseUrl}/services/Soap/u/{version}/${session.orgId.slice(0, 15)}`,
    rest: `${data}/`,
    sobjects: `${data}/sobjects/`,
    search: `${data}/search/`,
    query: `${data}/query/`,
    recent: `${data}/recent/`,
    tooling_soap: `${baseUrl}/services/Soap/T/{version}/${session.orgId.slice(0, 15)}`,
    tooling_rest: `${data}/tooling/`,
    profile: `${baseUrl}/${session.userId}`,
    custom_domain: baseUrl,
  };
}

function userFields(org: Org, session: SessionInfo): Record<string, unknown> {
  const user = org.store.byId(session.userId)?.fields ?? {};
  return user;
}

export function userInfo(
  org: Org,
  session: SessionInfo,
  baseUrl: string,
  idBaseUrl: string = baseUrl,
): Record<string, unknown> {
  const user = userFields(org, session);
  return {
    sub: `${idBaseUrl}/id/${session.orgId}/${session.userId}`,
    user_id: session.userId,
    organization_id: session.orgId,
    preferred_username: session.username,
    nickname: user.CommunityNickname ?? null,
    name: user.Name ?? null,
    email: user.Email ?? null,
    email_verified: true,
    given_name: user.FirstName ?? null,
    family_name: user.LastName ?? null,
    zoneinfo: user.TimeZoneSidKey ?? 'UTC',
    photos: {
      picture: `${baseUrl}/img/userprofile/default_profile_200_v2.png`,
      thumbnail: `${baseUrl}/img/userprofile/default_profile_45_v2.png`,
    },
    profile: `${baseUrl}/${session.userId}`,
    picture: `${baseUrl}/img/userprofile/default_profile_200_v2.png`,
    address: {},
    is_salesforce_integration_user: false,
    urls: urls(baseUrl, session),
    active: user.IsActive !== false,
    user_type: 'STANDARD',
    language: user.LanguageLocaleKey ?? 'en_US',
    locale: user.LocaleSidKey ?? 'en_US',
    utcOffset: 0,
    updated_at: user.LastModifiedDate ?? null,
    is_app_installed: true,
  };
}

export function identity(
  org: Org,
  session: SessionInfo,
  baseUrl: string,
  idBaseUrl: string = baseUrl,
): Record<string, unknown> {
  const user = userFields(org, session);
  return {
    id: `${idBaseUrl}/id/${session.orgId}/${session.userId}`,
    asserted_user: true,
    user_id: session.userId,
    organization_id: session.orgId,
    username: session.username,
    nick_name: user.CommunityNickname ?? null,
    display_name: user.Name ?? null,
    email: user.Email ?? null,
    email_verified: true,
    first_name: user.FirstName ?? null,
    last_name: user.LastName ?? null,
    timezone: user.TimeZoneSidKey ?? 'UTC',
    photos: {
      picture: `${baseUrl}/img/userprofile/default_profile_200_v2.png`,
      thumbnail: `${baseUrl}/img/userprofile/default_profile_45_v2.png`,
    },
    status: { created_date: null, body: null },
    urls: Object.fromEntries(
      Object.entries(urls(baseUrl, session)).map(([k, v]) => [k, v.replace('{version}', LATEST_VERSION)]),
    ),
    active: user.IsActive !== false,
    user_type: 'STANDARD',
    language: user.LanguageLocaleKey ?? 'en_US',
    locale: user.LocaleSidKey ?? 'en_US',
    utcOffset: 0,
    last_modified_date: user.LastModifiedDate ?? null,
    is_app_installed: true,
  };
}
