// Files the API answers (reports, exports): fetched with the bearer token,
// then saved by the browser under the name the server gives
// (Content-Disposition), as a plain link cannot send the token.
import { ApiError } from './api'
import { type Auth, SignInRequired } from './auth'

/** GETs path from the API and saves the answer as a file; returns the file name. */
export async function downloadFile(auth: Auth, path: string, fallbackName: string): Promise<string> {
  const get = async () =>
    fetch(auth.config.api + path, { headers: { Authorization: `Bearer ${await auth.bearer()}` } })
  let res = await get()
  if (res.status === 401) {
    await auth.refresh()
    res = await get()
    if (res.status === 401) throw new SignInRequired('Your session has ended. Please sign in again.')
  }
  if (!res.ok) {
    let code = 'error'
    let message = `The server answered ${res.status}.`
    try {
      const e = (await res.json()) as { code?: string; message?: string }
      code = e.code ?? code
      message = e.message ?? message
    } catch {
      // not JSON: keep the status
    }
    throw new ApiError(res.status, code, message)
  }
  const name = fileNameOf(res.headers.get('Content-Disposition')) ?? fallbackName
  const url = URL.createObjectURL(await res.blob())
  try {
    const a = document.createElement('a')
    a.href = url
    a.download = name
    a.hidden = true
    document.body.append(a)
    a.click()
    a.remove()
  } finally {
    // The click has handed the blob to the browser's download; let it finish reading first.
    setTimeout(() => URL.revokeObjectURL(url), 60_000)
  }
  return name
}

/** The file name of a Content-Disposition header (filename* first), without any path. */
export function fileNameOf(header: string | null): string | undefined {
  if (!header) return undefined
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header)?.[1]
  let name: string | undefined
  if (star) {
    try {
      name = decodeURIComponent(star.trim())
    } catch {
      name = undefined
    }
  }
  name ??= /filename\s*=\s*"([^"]*)"/.exec(header)?.[1] ?? /filename\s*=\s*([^;\s]+)/.exec(header)?.[1]
  name = name?.split(/[\\/]/).pop()?.trim()
  return name || undefined
}
