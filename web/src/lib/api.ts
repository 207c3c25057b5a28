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

  /** GETs path; query as a record, or as URLSearchParams where a parameter repeats. */
  get<T>(path: string, query?: Query | URLSearchParams, signal?: AbortSignal): Promise<T> {
    return this.send<T>('GET', path + queryString(query), undefined, signal)
  }

  post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return this.send<T>('POST', path, body, signal)
  }

  put<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return this.send<T>('PUT', path, body, signal)
  }

  delete(path: string, signal?: AbortSignal): Promise<void> {
    return this.send<void>('DELETE', path, undefined, signal)
  }

  /**
   * POSTs body and answers the file the API sends back (an export): its
   * bytes, the name its Content-Disposition gives, and its headers.
   * Errors come back as ApiError, as for JSON calls.
   */
  async download(path: string, body: unknown, signal?: AbortSignal): Promise<{ blob: Blob; filename: string; headers: Headers }> {
    let res = await this.fetchOnce('POST', path, body, signal, '*/*')
    if (res.status === 401) {
      await this.auth.refresh()
      res = await this.fetchOnce('POST', path, body, signal, '*/*')
      if (res.status === 401) throw new SignInRequired('Your session has ended. Please sign in again.')
    }
    if (!res.ok) {
      let e: { code?: string; message?: string } = {}
      try {
        e = (await res.json()) as typeof e
      } catch {
        // not JSON: the status says enough
      }
      throw new ApiError(res.status, e.code ?? 'error', e.message ?? `The server answered ${res.status}.`)
    }
    const disposition = res.headers.get('Content-Disposition') ?? ''
    const filename = /filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? 'download'
    return { blob: await res.blob(), filename, headers: res.headers }
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

  private async fetchOnce(method: string, path: string, body: unknown, signal?: AbortSignal, accept = 'application/json'): Promise<Response> {
    const headers: Record<string, string> = {
      Accept: accept,
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

export function queryString(q?: Query | URLSearchParams): string {
  if (!q) return ''
  if (q instanceof URLSearchParams) {
    const s = q.toString()
    return s ? `?${s}` : ''
  }
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(q)) {
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v))
  }
  const s = p.toString()
  return s ? `?${s}` : ''
}
