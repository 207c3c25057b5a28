// Sign-in: OAuth2 authorization code with PKCE (S256) through oauth4webapi,
// one code path for openlot's own authorization server and for Cognito.
//
// The bearer token lives in memory only; the refresh token is kept in
// localStorage so that a reload (or a second tab) signs in silently. Refresh
// tokens may rotate: every refresh runs under a Web Lock and reads the stored
// token inside it, so two tabs never spend the same one.
import * as oauth from 'oauth4webapi'
import type { PortalConfig } from './config'

/** Who is signed in, as the tokens say (for display; the API decides what is allowed). */
export interface User {
  subject: string
  name: string
  email: string
  role: string
  partner: string
}

/** Thrown when there is no session to continue and a person has to sign in. */
export class SignInRequired extends Error {
  constructor(message = 'Please sign in.') {
    super(message)
    this.name = 'SignInRequired'
  }
}

export const callbackPath = '/auth/callback'
export const signedOutPath = '/signed-out'

const pendingKey = 'openlot.signin' // sessionStorage: PKCE verifier, state, where to go after
const earlyRefreshMs = 60_000 // refresh a bearer token this long before it expires

interface Pending {
  verifier: string
  state: string
  returnTo: string
}

interface Session {
  bearer: string
  expiresAt: number // ms since epoch
  idToken?: string
  user: User
}

export class Auth {
  readonly config: PortalConfig
  private readonly client: oauth.Client
  private readonly clientAuth = oauth.None()
  private readonly http: { [oauth.allowInsecureRequests]?: boolean }
  private readonly refreshKey: string
  private server?: Promise<oauth.AuthorizationServer>
  private session?: Session
  private refreshing?: Promise<void>
  private readonly listeners = new Set<() => void>()
  /** Set by signOut: the browser is on its way out, so no one should start a sign-in. */
  leaving = false

  constructor(config: PortalConfig) {
    this.config = config
    this.client = { client_id: config.clientId }
    // Locally the server (and so the issuer) may be plain http on loopback;
    // the page itself is then http too, so nothing is lost by allowing it.
    this.http = new URL(config.issuer).protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {}
    this.refreshKey = `openlot.refresh:${config.clientId}@${config.issuer}`
  }

  /** The signed-in user, or undefined. */
  get user(): User | undefined {
    return this.session?.user
  }

  /** Calls fn whenever the user signs in or out; returns the unsubscriber. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  private changed() {
    for (const fn of this.listeners) fn()
  }

  /** The authorization server's metadata: OpenID Connect discovery, else RFC 8414. */
  metadata(): Promise<oauth.AuthorizationServer> {
    if (!this.server) {
      const issuer = new URL(this.config.issuer)
      const discover = async (algorithm: 'oidc' | 'oauth2') =>
        oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...this.http, algorithm }))
      this.server = discover('oidc').catch(() => discover('oauth2'))
      this.server.catch(() => (this.server = undefined)) // try again next time
    }
    return this.server
  }

  private redirectUri(): string {
    return window.location.origin + callbackPath
  }

  /** Sends the browser to the authorization server's sign-in; comes back to returnTo. */
  async signIn(returnTo: string): Promise<void> {
    const as = await this.metadata()
    if (!as.authorization_endpoint) throw new Error('The authorization server names no authorization endpoint.')
    const verifier = oauth.generateRandomCodeVerifier()
    const pending: Pending = { verifier, state: oauth.generateRandomState(), returnTo: safeReturn(returnTo) }
    sessionStorage.setItem(pendingKey, JSON.stringify(pending))
    const url = new URL(as.authorization_endpoint)
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.config.clientId,
      redirect_uri: this.redirectUri(),
      scope: this.config.scope,
      state: pending.state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString()
    window.location.assign(url.href)
  }

  /**
   * Finishes a sign-in at the callback URL: checks state, exchanges the code
   * with the PKCE verifier, keeps the tokens. Returns where to go next.
   */
  async completeSignIn(callback: URL): Promise<string> {
    const raw = sessionStorage.getItem(pendingKey)
    sessionStorage.removeItem(pendingKey)
    if (!raw) throw new SignInRequired('This sign-in link was already used or has expired. Please sign in again.')
    const pending = JSON.parse(raw) as Pending
    const as = await this.metadata()
    const params = oauth.validateAuthResponse(as, this.client, callback, pending.state)
    const res = await oauth.authorizationCodeGrantRequest(
      as, this.client, this.clientAuth, params, this.redirectUri(), pending.verifier, this.http)
    this.accept(await oauth.processAuthorizationCodeResponse(as, this.client, res))
    return pending.returnTo
  }

  /** Signs in silently with the stored refresh token; false when there is none that works. */
  async restore(): Promise<boolean> {
    if (this.session) return true
    if (!localStorage.getItem(this.refreshKey)) return false
    try {
      await this.refresh()
      return true
    } catch (e) {
      if (e instanceof SignInRequired) return false
      throw e
    }
  }

  /** A bearer token for the API, refreshed first when it is about to expire. */
  async bearer(): Promise<string> {
    if (!this.session) throw new SignInRequired()
    if (Date.now() > this.session.expiresAt - earlyRefreshMs) await this.refresh()
    return this.session.bearer
  }

  /** Trades the stored refresh token for new tokens (one refresh at a time, across tabs). */
  refresh(): Promise<void> {
    if (!this.refreshing) {
      const run = async (): Promise<void> => this.refreshOnce()
      // The lock is held until run settles; its answer is run's.
      const locked: Promise<void> = navigator.locks
        ? navigator.locks.request(`openlot-refresh:${this.refreshKey}`, run).then(() => undefined)
        : run()
      this.refreshing = locked.finally(() => (this.refreshing = undefined))
    }
    return this.refreshing
  }

  private async refreshOnce(): Promise<void> {
    const token = localStorage.getItem(this.refreshKey) // read inside the lock: another tab may have rotated it
    if (!token) {
      this.drop()
      throw new SignInRequired()
    }
    const as = await this.metadata()
    const res = await oauth.refreshTokenGrantRequest(as, this.client, this.clientAuth, token, this.http)
    let result: oauth.TokenEndpointResponse
    try {
      result = await oauth.processRefreshTokenResponse(as, this.client, res)
    } catch (e) {
      if (e instanceof oauth.ResponseBodyError && (e.error === 'invalid_grant' || e.error === 'invalid_client')) {
        if (localStorage.getItem(this.refreshKey) === token) localStorage.removeItem(this.refreshKey)
        this.drop()
        throw new SignInRequired('Your session has ended. Please sign in again.')
      }
      throw e
    }
    this.accept(result)
  }

  private accept(result: oauth.TokenEndpointResponse) {
    if (result.refresh_token) localStorage.setItem(this.refreshKey, result.refresh_token)
    const claims = oauth.getValidatedIdTokenClaims(result) as Record<string, unknown> | undefined
    let bearer = result.access_token
    let expiresAt = Date.now() + (result.expires_in ?? 300) * 1000
    if (this.config.bearer === 'id_token') {
      if (!result.id_token || !claims) throw new Error('The authorization server returned no ID token, which this API takes.')
      bearer = result.id_token
      expiresAt = Number(claims.exp) * 1000
    }
    const user = userOf(claims ?? jwtClaims(result.access_token) ?? {})
    if (result.id_token !== undefined) {
      this.session = { bearer, expiresAt, user, idToken: result.id_token }
    } else {
      this.session = { bearer, expiresAt, user }
    }
    this.changed()
  }

  private drop() {
    if (this.session) {
      this.session = undefined
      this.changed()
    }
  }

  /**
   * Ends the session here (the refresh token is revoked where the server
   * offers revocation) and returns where the browser should go: the
   * server's sign-out, which comes back to /signed-out, or /signed-out.
   */
  async signOut(): Promise<string> {
    const token = localStorage.getItem(this.refreshKey)
    const idToken = this.session?.idToken
    localStorage.removeItem(this.refreshKey)
    // Forgotten without telling the listeners: the page is about to leave,
    // and a gate that saw no user would start a new sign-in meanwhile.
    this.session = undefined
    this.leaving = true
    const after = window.location.origin + signedOutPath
    let as: oauth.AuthorizationServer
    try {
      as = await this.metadata()
    } catch {
      return signedOutPath
    }
    if (token && as.revocation_endpoint) {
      try {
        await oauth.processRevocationResponse(
          await oauth.revocationRequest(as, this.client, this.clientAuth, token, this.http))
      } catch {
        // The token is forgotten here either way.
      }
    }
    if (as.end_session_endpoint) {
      const url = new URL(as.end_session_endpoint)
      url.searchParams.set('client_id', this.config.clientId)
      url.searchParams.set('post_logout_redirect_uri', after)
      if (idToken) url.searchParams.set('id_token_hint', idToken)
      return url.href
    }
    // Cognito's managed login signs out at /logout of its domain, which its
    // metadata does not name.
    if (as.authorization_endpoint && new URL(as.authorization_endpoint).hostname.endsWith('.amazoncognito.com')) {
      const url = new URL('/logout', as.authorization_endpoint)
      url.searchParams.set('client_id', this.config.clientId)
      url.searchParams.set('logout_uri', after)
      return url.href
    }
    return signedOutPath
  }
}

/** returnTo as a path on this origin (never an open redirect). */
function safeReturn(returnTo: string): string {
  if (!returnTo.startsWith('/') || returnTo.startsWith('//') || returnTo.startsWith(callbackPath)) return '/'
  return returnTo
}

/** The payload of a JWT, unverified: only to show who is signed in. */
function jwtClaims(token: string): Record<string, unknown> | undefined {
  const part = token.split('.')[1]
  if (!part) return undefined
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='))
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<string, unknown>
  } catch {
    return undefined
  }
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : ''
}

/** The user the claims describe, with the claim names shared/auth reads. */
function userOf(c: Record<string, unknown>): User {
  const groups = Array.isArray(c['cognito:groups']) ? (c['cognito:groups'] as unknown[]).map(str) : []
  const scopes = str(c.scope).split(' ')
  const fromScope = (prefix: string) =>
    scopes.find((s) => s.startsWith(prefix))?.slice(prefix.length) ?? ''
  const email = str(c.email)
  return {
    subject: str(c.sub) || str(c.client_id),
    name: str(c.name) || email || str(c['cognito:username']) || str(c.client_id) || str(c.sub),
    email,
    role: groups[0] || str(c.role) || fromScope('openlot/role.'),
    partner: str(c['custom:partner']) || str(c.partner) || fromScope('openlot/partner.'),
  }
}
