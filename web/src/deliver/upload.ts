// The browser's delivery: the same API `openlot deliver` uses. Start a
// transfer (POST /v1/transfers), or resume the one this browser began for
// the same files (remembered per request, name, size and modification time;
// GET /v1/transfers/{id} says which parts storage holds), PUT the missing
// parts straight to storage through their signed URLs, several at once,
// while a worker hashes the file (the whole file's SHA-256, and each part's
// where the transfer asks for part checksums), then complete with the
// whole-file hashes. The transfer is then Pending Inspection.
import { type Api, ApiError } from '../lib/api'
import type { HashJob, HashMessage } from './hash.worker'

export interface TransferFileCard {
  name: string
  size: number
  sha256: string
  contentType: string
  metadata: Record<string, string> | null
  partSize: number
  parts: number
  received?: number[] | null
  missing?: number[] | null
  complete?: boolean
}

export interface TransferCard {
  id: string
  requestId: string
  status: string
  errorCode?: string
  errorMessage?: string
  files: TransferFileCard[] | null
  partChecksums: 'recommended' | 'optional'
  createdAt: string
}

interface SignedURL {
  file: number
  number: number
  method: string
  url: string
  header?: Record<string, string> | null
}

/** A file to deliver and its delivery metadata. */
export interface Outgoing {
  file: File
  metadata: Record<string, string> | undefined
}

export interface Progress {
  /** Bytes storage holds or has been sent, per file. */
  sent: number[]
  /** Bytes hashed, per file. */
  hashed: number[]
  /** Parts PUT by this run (not those storage held already). */
  partsSent: number
  /** Parts storage held when the run began. */
  partsHeld: number
  resumed: boolean
  transferId?: string
}

/** Statuses of a transfer still being uploaded. */
export const uploading = (status: string) => status === 'WAITING_FOR_UPLOAD' || status === 'UPLOADING'

const storeKey = (requestId: string, f: File) => `openlot.deliver:${requestId}:${f.name}:${f.size}:${f.lastModified}`

/** The transfer this browser began for file to request, if it remembers one. */
export function rememberedTransfer(requestId: string, f: File): string | undefined {
  try {
    return localStorage.getItem(storeKey(requestId, f)) ?? undefined
  } catch {
    return undefined
  }
}

function remember(requestId: string, files: File[], id: string | undefined) {
  try {
    for (const f of files) {
      if (id) localStorage.setItem(storeKey(requestId, f), id)
      else localStorage.removeItem(storeKey(requestId, f))
    }
  } catch {
    // storage full or blocked: the upload still works, only not resumable after a reload
  }
}

/** Limits how many parts are in flight across every delivery of the page. */
class Slots {
  private free: number
  private waiting: (() => void)[] = []
  constructor(n: number) {
    this.free = n
  }
  async take(): Promise<void> {
    if (this.free > 0) {
      this.free--
      return
    }
    await new Promise<void>((ok) => this.waiting.push(ok))
  }
  give() {
    const next = this.waiting.shift()
    if (next) next()
    else this.free++
  }
}

/** Parts in flight at once, over every delivery of the page. */
export const parallelParts = 6
const slots = new Slots(parallelParts)

/**
 * The transfer of files to requestId that this browser began and storage
 * has not finished, if every file was begun in it; undefined otherwise.
 */
export async function resumable(api: Api, requestId: string, files: File[], signal?: AbortSignal): Promise<TransferCard | undefined> {
  const ids = new Set(files.map((f) => rememberedTransfer(requestId, f)))
  const [id] = [...ids]
  if (ids.size !== 1 || !id) return undefined
  let card: TransferCard
  try {
    card = await api.get<TransferCard>(`/v1/transfers/${encodeURIComponent(id)}`, undefined, signal)
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 400)) {
      remember(requestId, files, undefined)
      return undefined
    }
    throw e
  }
  const same = (card.files ?? []).length === files.length && (card.files ?? []).every((cf, i) => cf.name === files[i]?.name && cf.size === files[i]?.size)
  if (!uploading(card.status) || !same) {
    remember(requestId, files, undefined)
    return undefined
  }
  return card
}

/**
 * Delivers files to requestId: resumes the transfer this browser began for
 * the very same files, else starts one; sends only the parts storage lacks;
 * completes with each file's SHA-256. It answers the transfer as complete
 * leaves it (Pending Inspection). Errors are ApiErrors with the API's code
 * and message.
 */
export async function deliver(api: Api, requestId: string, out: Outgoing[], onProgress: (p: Progress) => void, signal: AbortSignal): Promise<TransferCard> {
  const files = out.map((o) => o.file)
  let card = await resumable(api, requestId, files, signal)
  const resumed = !!card
  if (!card) {
    const res = await api.post<{ results: { ok: boolean; code?: string; message?: string; transfer?: TransferCard }[] }>('/v1/transfers', {
      method: 'UI',
      transfers: [{ requestId, files: out.map((o) => ({ name: o.file.name, size: o.file.size, contentType: o.file.type || undefined, metadata: o.metadata })) }],
    }, signal)
    const r = res.results[0]
    if (!r?.ok || !r.transfer) throw new ApiError(422, r?.code ?? 'error', r?.message ?? 'The server did not start the delivery.')
    card = r.transfer
    remember(requestId, files, card.id)
  }
  const cardFiles = card.files ?? []
  const held = cardFiles.map((f) => new Set(f.complete ? range(f.parts) : (f.received ?? [])))
  const p: Progress = {
    sent: cardFiles.map((f, i) => Math.min(f.size, [...held[i]!].reduce((s, n) => s + partLength(f, n), 0))),
    hashed: cardFiles.map(() => 0),
    partsSent: 0,
    partsHeld: held.reduce((s, h) => s + h.size, 0),
    resumed,
    transferId: card.id,
  }
  // Progress at most every 100 ms: a page redrawn on every upload event would
  // take the CPU the hash and the upload need.
  let told = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const tellNow = () => {
    clearTimeout(timer)
    timer = undefined
    told = performance.now()
    onProgress({ ...p, sent: [...p.sent], hashed: [...p.hashed] })
  }
  const tell = () => {
    if (timer) return
    timer = setTimeout(tellNow, Math.max(0, told + 100 - performance.now()))
  }
  tellNow()
  const sums: string[] = []
  for (let i = 0; i < cardFiles.length; i++) {
    sums.push(await sendFile(api, card, i, files[i]!, held[i]!, p, tell, signal))
  }
  tellNow()
  const done = await api.post<TransferCard>(`/v1/transfers/${encodeURIComponent(card.id)}/complete`, { files: sums.map((sha256) => ({ sha256 })) }, signal)
  remember(requestId, files, undefined)
  return done
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1)
}

function partLength(f: TransferFileCard, n: number): number {
  return n === f.parts ? f.size - (n - 1) * f.partSize : f.partSize
}

/** Sends one file's missing parts while the worker hashes it; answers its SHA-256. */
async function sendFile(api: Api, card: TransferCard, index: number, file: File, held: Set<number>, p: Progress, tell: () => void, signal: AbortSignal): Promise<string> {
  const tf = card.files![index]!
  const missing = range(tf.parts).filter((n) => !held.has(n))
  const needSums = card.partChecksums === 'recommended'

  // The hash: every byte once, in a worker; part sums as they come.
  const partSum = new Map<number, (s: string) => void>()
  const sumOf = new Map<number, Promise<string>>()
  for (const n of needSums ? missing : []) sumOf.set(n, new Promise((ok) => partSum.set(n, ok)))
  const worker = new Worker(new URL('./hash.worker.ts', import.meta.url), { type: 'module' })
  const whole = new Promise<string>((ok, fail) => {
    worker.onmessage = (e: MessageEvent<HashMessage>) => {
      const m = e.data
      if (m.type === 'part') {
        p.hashed[index] = m.hashed
        if (m.sha256) partSum.get(m.number)?.(m.sha256)
        tell()
      } else if (m.type === 'done') ok(m.sha256)
      else fail(new Error(`Reading ${file.name} failed: ${m.message}`))
    }
    worker.onerror = (e) => fail(new Error(`Hashing ${file.name} failed: ${e.message}`))
  })
  const abortWorker = () => worker.terminate()
  signal.addEventListener('abort', abortWorker)
  worker.postMessage({ file, partSize: tf.partSize, partSums: needSums ? missing : [] } satisfies HashJob)

  // URLs: many per call where parts go unhashed, one per part (bound to its sum) otherwise.
  const urls = new Map<number, SignedURL>()
  const ask = async (numbers: number[], sha256?: string) => {
    const res = await api.post<{ urls: SignedURL[] }>(`/v1/transfers/${encodeURIComponent(card.id)}/parts`, {
      parts: numbers.map((number) => ({ file: index, number, sha256 })),
    }, signal)
    for (const u of res.urls) urls.set(u.number, u)
  }
  const urlFor = async (n: number, fresh: boolean): Promise<SignedURL> => {
    if (needSums) {
      await ask([n], await sumOf.get(n))
    } else if (fresh || !urls.has(n)) {
      const i = missing.indexOf(n)
      await ask(fresh ? [n] : missing.slice(i, i + 100).filter((m) => !urls.has(m)))
    }
    const u = urls.get(n)!
    urls.delete(n)
    return u
  }

  try {
    let failed: unknown
    await Promise.all(missing.map(async (n) => {
      await slots.take()
      try {
        if (failed || signal.aborted) return
        const length = partLength(tf, n)
        const lo = (n - 1) * tf.partSize
        let last: unknown
        for (let attempt = 0; attempt < 4; attempt++) {
          if (attempt > 0) await sleep(attempt * attempt * 500, signal)
          let sent = 0
          try {
            const u = await urlFor(n, attempt > 0)
            await put(u, file.slice(lo, lo + length), (b) => {
              p.sent[index]! += b - sent
              sent = b
              tell()
            }, signal)
            p.sent[index]! += length - sent
            p.partsSent++
            tell()
            return
          } catch (e) {
            p.sent[index]! -= sent
            last = e
            if (signal.aborted || (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 403 && e.status !== 408)) break
          }
        }
        failed ??= last
        throw last
      } finally {
        slots.give()
      }
    }))
    performance.mark(`openlot:parts-sent:${card.id}:${index}`)
    const sum = await whole
    performance.mark(`openlot:hashed:${card.id}:${index}`)
    return sum
  } finally {
    signal.removeEventListener('abort', abortWorker)
    worker.terminate()
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((ok, fail) => {
    const t = setTimeout(ok, ms)
    signal.addEventListener('abort', () => {
      clearTimeout(t)
      fail(new DOMException('aborted', 'AbortError'))
    }, { once: true })
  })
}

/** PUTs body to a signed URL, telling the bytes sent as they go (XHR: fetch tells no upload progress). */
function put(u: SignedURL, body: Blob, onSent: (bytes: number) => void, signal: AbortSignal): Promise<void> {
  return new Promise((ok, fail) => {
    const x = new XMLHttpRequest()
    x.open(u.method || 'PUT', u.url)
    // Headers signed into the URL (S3: the part's checksum); the browser
    // itself sends Content-Length (signed too) and may set no other forbidden header.
    for (const [k, v] of Object.entries(u.header ?? {})) if (!/^(content-length|host)$/i.test(k)) x.setRequestHeader(k, v)
    x.upload.onprogress = (e) => onSent(e.loaded)
    x.onload = () => {
      if (x.status >= 200 && x.status < 300) return ok()
      let code = 'upload_failed'
      let message = `Storage answered ${x.status} to part ${u.number}.`
      try {
        const e = JSON.parse(x.responseText) as { code?: string; message?: string }
        if (e.code) code = e.code
        if (e.message) message = e.message
      } catch {
        // S3 answers XML: the status says enough
      }
      fail(new ApiError(x.status, code, message))
    }
    x.onerror = () => fail(new ApiError(0, 'network', `Part ${u.number} could not be sent: the network failed.`))
    const abort = () => x.abort()
    x.onabort = () => fail(new DOMException('aborted', 'AbortError'))
    signal.addEventListener('abort', abort, { once: true })
    x.send(body)
  })
}
