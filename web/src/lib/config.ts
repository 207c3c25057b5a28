// The portal's runtime configuration: GET /config.json, which the server
// that serves the app writes (Go package web, Config). One build runs
// locally (openlot's own issuer) and on AWS (Cognito).

export type Bearer = 'access_token' | 'id_token'

export interface PortalConfig {
  /** The OAuth2 authorization server; its metadata is discovered from here. */
  issuer: string
  /** The portal's public client (authorization code + PKCE). */
  clientId: string
  scope: string
  /** Which token the API takes as the bearer token. */
  bearer: Bearer
  /** The API's base URL; empty: this origin. */
  api: string
}

export async function loadConfig(): Promise<PortalConfig> {
  const res = await fetch('/config.json', { cache: 'no-cache', headers: { Accept: 'application/json' } })
  if (!res.ok) {
    throw new Error(`The portal's configuration could not be read (HTTP ${res.status}).`)
  }
  const c = (await res.json()) as Partial<PortalConfig>
  if (!c.issuer || !c.clientId) {
    throw new Error('Sign-in is not configured on this server: /config.json names no issuer or client.')
  }
  return {
    issuer: c.issuer,
    clientId: c.clientId,
    scope: c.scope || 'openid',
    bearer: c.bearer === 'id_token' ? 'id_token' : 'access_token',
    api: (c.api || '').replace(/\/+$/, ''),
  }
}
