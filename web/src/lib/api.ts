// The API client: JSON over fetch with the signed-in user's bearer token.
// Errors come back as the API's {code, message}.
import { type Auth, SignInRequired } from './auth'

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  constructor(status: number, code: string, message: string) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>

export class Api {
  private readonly auth: Auth
  private readonly base: string

  constructor(auth: Auth) {
    this.auth = auth
    this.base = auth.config.api
  }

  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.send<T>('GET', path + queryString(query), undefined, signal)
  }

  post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return this.send<T>('POST', path, body, signal)
  }

  private async send<T>(method: string, path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    let res = await this.fetchOnce(method, path, body, signal)
    if (res.status === 401) {
      // The token may have been revoked or expired early: one refresh, one retry.
      await this.auth.refresh()
      res = await this.fetchOnce(method, path, body, signal)
      if (res.status === 401) throw new SignInRequired('Your session has ended. Please sign in again.')
    }
    if (res.status === 204) return undefined as T
    const text = await res.text()
    let data: unknown
    try {
      data = text ? JSON.parse(text) : undefined
    } catch {
      throw new ApiError(res.status, 'invalid_response', `The server answered ${res.status} with something that is not JSON.`)
    }
    if (!res.ok) {
      const e = (data ?? {}) as { code?: string; message?: string }
      throw new ApiError(res.status, e.code ?? 'error', e.message ?? `The server answered ${res.status}.`)
    }
    return data as T
  }

  private async fetchOnce(method: string, path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: `Bearer ${await this.auth.bearer()}`,
    }
    const init: RequestInit = { method, headers }
    if (signal) init.signal = signal
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json'
      init.body = JSON.stringify(body)
    }
    return fetch(this.base + path, init)
  }
}

function queryString(q?: Query): string {
  if (!q) return ''
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(q)) {
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v))
  }
  const s = p.toString()
  return s ? `?${s}` : ''
}
