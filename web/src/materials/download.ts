// Downloads straight from storage: the API hands out a signed URL per
// material (POST /v1/materials/{id}/downloads), and the browser's own
// download manager fetches it — streamed to disk whatever its size,
// resumable from the downloads list, no bytes through the page, and no
// CORS needed on the bucket. The URL names the file (Content-Disposition),
// and storage proves the download complete: the local blob server counts
// the bytes it sends, S3's access log does on AWS. The page does not report
// a SHA-256 (/v1/downloads/{id}/complete is for clients that read the
// bytes, such as openlot download): it never holds them.
import type { Api } from '../lib/api'
import { messageOf } from '../session'
import type { Material, StartAnswer } from './types'

export interface DownloadOutcome {
  started: Material[]
  processing: Material[]
  failed: { material: Material; message: string }[]
}

/** Hands url to the browser's download manager (the answer names the file). */
export function saveUrl(url: string, fileName: string): void {
  const a = document.createElement('a')
  a.href = url
  a.download = fileName // same origin: the name; another origin: its Content-Disposition
  a.rel = 'noopener'
  a.hidden = true
  document.body.append(a)
  a.click()
  a.remove()
}

const pause = (ms: number) => new Promise((ok) => setTimeout(ok, ms))

/**
 * Starts the download of each material, one after the other: READY goes to
 * the browser at once, PROCESSING (a watermarked proxy being made) is
 * reported so the page can follow it.
 */
export async function startDownloads(api: Api, materials: Material[]): Promise<DownloadOutcome> {
  const out: DownloadOutcome = { started: [], processing: [], failed: [] }
  for (const m of materials) {
    try {
      const r = await api.post<StartAnswer>(`/v1/materials/${encodeURIComponent(m.id)}/downloads`, undefined)
      if (r.status === 'READY' && r.url) {
        if (out.started.length) await pause(400) // browsers take several downloads better spaced out
        saveUrl(r.url, m.fileName)
        out.started.push(m)
      } else out.processing.push(m)
    } catch (e) {
      out.failed.push({ material: m, message: messageOf(e) })
    }
  }
  return out
}

/** "3 downloads started; 1 watermarked proxy is being made (you will get an email)." */
export function outcomeText(o: DownloadOutcome): string {
  const parts: string[] = []
  if (o.started.length) parts.push(`${o.started.length} ${o.started.length === 1 ? 'download' : 'downloads'} started`)
  if (o.processing.length) {
    parts.push(`${o.processing.length} watermarked ${o.processing.length === 1 ? 'proxy is' : 'proxies are'} being made (you will get an email when ready)`)
  }
  if (o.failed.length) parts.push(`${o.failed.length} could not start: ${o.failed[0]!.message}`)
  return parts.join('; ') + '.'
}
