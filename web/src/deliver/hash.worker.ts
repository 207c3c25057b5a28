// The hashing worker: reads one file once, part by part, and feeds every
// byte to the whole file's SHA-256 and, where the transfer asks for part
// checksums, to that part's own SHA-256 too (hash-wasm, streaming). The
// page uploads the parts from the File itself; this worker only reads.
import { createSHA256 } from 'hash-wasm'

export interface HashJob {
  file: File
  partSize: number
  /** Part numbers whose own SHA-256 the upload needs (1-based). */
  partSums: number[]
}

export type HashMessage =
  | { type: 'part'; number: number; sha256?: string; hashed: number }
  | { type: 'done'; sha256: string }
  | { type: 'error'; message: string }

const post = (m: HashMessage) => (self as unknown as Worker).postMessage(m)

self.onmessage = async (e: MessageEvent<HashJob>) => {
  const { file, partSize, partSums } = e.data
  try {
    const whole = await createSHA256()
    const part = partSums.length ? await createSHA256() : undefined
    const wanted = new Set(partSums)
    const parts = Math.max(1, Math.ceil(file.size / partSize))
    let hashed = 0
    for (let n = 1; n <= parts; n++) {
      const lo = (n - 1) * partSize
      const bytes = new Uint8Array(await file.slice(lo, Math.min(lo + partSize, file.size)).arrayBuffer())
      whole.update(bytes)
      hashed += bytes.length
      let sha256: string | undefined
      if (part && wanted.has(n)) {
        part.init()
        part.update(bytes)
        sha256 = part.digest('hex')
      }
      post({ type: 'part', number: n, sha256, hashed })
    }
    post({ type: 'done', sha256: whole.digest('hex') })
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) })
  }
}
