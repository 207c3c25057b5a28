// The hashing worker: reads one file once, part by part, and feeds every
// byte to the whole file's SHA-256 and, where the transfer asks for part
// checksums, to that part's own SHA-256 too (hash-wasm, streaming). The
// page uploads the parts from the File itself (a Blob body: the browser's
// network process reads it, off the page's thread); this worker only reads.
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

/** Parts read ahead of the one being hashed. */
const readAhead = 2

const post = (m: HashMessage) => (self as unknown as Worker).postMessage(m)

self.onmessage = async (e: MessageEvent<HashJob>) => {
  const { file, partSize, partSums } = e.data
  try {
    const whole = await createSHA256()
    const part = partSums.length ? await createSHA256() : undefined
    const wanted = new Set(partSums)
    const parts = Math.max(1, Math.ceil(file.size / partSize))
    let hashed = 0
    // Reads run ahead of the hash (a blob read waits on the browser
    // process; the hash runs on this thread): a few parts in flight at once.
    const read = (n: number) => file.slice((n - 1) * partSize, Math.min(n * partSize, file.size)).arrayBuffer()
    const ahead: Promise<ArrayBuffer>[] = []
    for (let n = 1; n <= Math.min(parts, readAhead); n++) ahead.push(read(n))
    for (let n = 1; n <= parts; n++) {
      const bytes = new Uint8Array(await ahead.shift()!)
      if (n + readAhead <= parts) ahead.push(read(n + readAhead))
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
