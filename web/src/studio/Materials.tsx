// A title's materials for the studio, found by one of its requests
// (?request=ID, as GET /v1/materials takes them): the newest version of each
// asset type, a new version added by uploading a file (its SHA-256 computed
// here, the file PUT in one go to the signed URL of
// POST /v1/materials/uploads, then POST /v1/materials), and a proxy video's
// pool of watermarked proxies emptied (the demo of a proxy made on demand).
import { useEffect, useId, useState, type FormEvent } from 'react'
import { Link, useSearchParams } from 'react-router'
import { messageOf, useSession } from '../session'
import { Notice, Spinner, toast } from '../ui'
import { size, when } from '../details/format'

interface Material {
  id: string
  movieId: number
  assetType: string
  assetTypeName: string
  variant?: string
  version: number
  fileName: string
  size: number
  deliveredOn: string
  qcName?: string
  note?: string
}

interface Answer {
  titles: { movieId: number; name: string }[] | null
  assetTypes: { assetType: string; name: string; count: number; materials: Material[] | null }[] | null
}

interface UploadURL {
  upload: string
  method: string
  url: string
  header?: Record<string, string>
}

const audio = new Set(['AUDIO_STEMS', 'PRINTMASTER', 'M_AND_E'])

export function Materials() {
  const { api } = useSession()
  const [params, setParams] = useSearchParams()
  const request = params.get('request') ?? ''
  const [draft, setDraft] = useState(request)
  const [data, setData] = useState<Answer>()
  const [error, setError] = useState<unknown>()
  const [round, setRound] = useState(0)
  const [emptying, setEmptying] = useState<string>()
  const id = useId()

  useEffect(() => {
    setDraft(request)
    if (!request) return
    const c = new AbortController()
    setData(undefined)
    setError(undefined)
    api.get<Answer>('/v1/materials', { requests: request, group: 'all' }, c.signal).then(
      (a) => setData(a),
      (e: unknown) => !c.signal.aborted && setError(e),
    )
    return () => c.abort()
  }, [api, request, round])

  async function emptyPool(m: Material) {
    setEmptying(m.id)
    try {
      const r = await api.post<{ removed: number }>(`/v1/materials/${encodeURIComponent(m.id)}/pool/empty`, undefined)
      toast(`Pool emptied: ${r.removed} unused ${r.removed === 1 ? 'proxy' : 'proxies'} removed. The next download makes one on demand.`)
    } catch (e) {
      toast(`Empty the pool: ${messageOf(e)}`, 'danger')
    } finally {
      setEmptying(undefined)
    }
  }

  const title = data?.titles?.[0]
  const rows = (data?.assetTypes ?? []).flatMap((a) => a.materials ?? [])
  return (
    <div className="ops-materials" data-testid="studio-materials">
      <form
        className="ops-toolbar"
        onSubmit={(e) => {
          e.preventDefault()
          setParams(draft.trim() ? { request: draft.trim() } : {})
        }}
      >
        <label htmlFor={`${id}-req`} className="ops-strong">Request ID</label>
        <input id={`${id}-req`} type="text" size={40} value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="a request of the title" />
        <button type="submit" className="btn btn-sm">Show its title's materials</button>
      </form>
      {!request ? (
        <p className="muted">Materials belong to a title; give one of its requests (its ID is on the request's page).</p>
      ) : error ? (
        <Notice tone="danger" title="The materials could not be loaded">
          <p>{messageOf(error)}</p>
        </Notice>
      ) : !data ? (
        <Spinner label="Loading the materials" />
      ) : (
        <>
          <h2 className="ops-h2">
            {title ? `${title.name} (${title.movieId})` : 'Materials'}
            <Link to={`/requests/${encodeURIComponent(request)}`}>Open the request</Link>
          </h2>
          <div className="table-wrap" role="region" aria-label="Materials" tabIndex={0}>
            <table className="tbl ops-table" data-testid="materials-table">
              <thead>
                <tr>
                  <th scope="col">Asset type</th>
                  <th scope="col">File</th>
                  <th scope="col" className="num">Version</th>
                  <th scope="col" className="num">Size</th>
                  <th scope="col">Added</th>
                  <th scope="col">QC</th>
                  <th scope="col"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {rows.length === 0 && (
                  <tr>
                    <td colSpan={7} className="muted">No materials yet.</td>
                  </tr>
                )}
                {rows.map((m) => (
                  <tr key={m.id} data-testid="material-row" data-asset={m.assetType}>
                    <td>{m.assetTypeName}{m.variant ? ` · ${m.variant}` : ''}</td>
                    <td>{m.fileName}</td>
                    <td className="num">v{m.version}</td>
                    <td className="num">{size(m.size)}</td>
                    <td className="nowrap">{when(m.deliveredOn)}</td>
                    <td>{m.qcName ?? ''}</td>
                    <td>
                      {m.assetType === 'PROXY_VIDEO' && (
                        <button type="button" className="btn btn-sm" onClick={() => void emptyPool(m)} disabled={emptying === m.id} data-action="empty-pool">
                          {emptying === m.id ? 'Emptying…' : 'Empty proxy pool'}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {title && (
            <AddVersion
              movieId={title.movieId}
              assetTypes={(data.assetTypes ?? []).filter((a) => a.assetType !== 'DELIVERY').map((a) => ({ code: a.assetType, name: a.name }))}
              onAdded={() => setRound((n) => n + 1)}
            />
          )}
        </>
      )}
    </div>
  )
}

/** The file's SHA-256, hex (the browser's own digest, over the whole file in memory). */
async function sha256(file: File): Promise<string> {
  const d = await crypto.subtle.digest('SHA-256', await file.arrayBuffer())
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** PUTs file to a signed URL, reporting progress (0..1). */
function put(u: UploadURL, file: File, progress: (f: number) => void): Promise<void> {
  return new Promise((ok, fail) => {
    const x = new XMLHttpRequest()
    x.open(u.method || 'PUT', u.url)
    for (const [k, v] of Object.entries(u.header ?? {})) x.setRequestHeader(k, v)
    x.upload.onprogress = (e) => e.lengthComputable && progress(e.loaded / e.total)
    x.onload = () => (x.status >= 200 && x.status < 300 ? ok() : fail(new Error(`Storage answered ${x.status}.`)))
    x.onerror = () => fail(new Error('The upload did not reach storage.'))
    x.send(file)
  })
}

function AddVersion({ movieId, assetTypes, onAdded }: { movieId: number; assetTypes: { code: string; name: string }[]; onAdded: () => void }) {
  const { api } = useSession()
  const [assetType, setAssetType] = useState('')
  const [variant, setVariant] = useState('')
  const [file, setFile] = useState<File>()
  const [qc, setQC] = useState('')
  const [note, setNote] = useState('')
  const [step, setStep] = useState<string>()
  const [progress, setProgress] = useState(0)
  const [error, setError] = useState<string>()
  const id = useId()

  async function add(e: FormEvent) {
    e.preventDefault()
    if (!assetType || !file) {
      setError('Choose an asset type and a file.')
      return
    }
    setError(undefined)
    try {
      setStep('Computing the SHA-256…')
      const sum = await sha256(file)
      setStep('Uploading…')
      const contentType = file.type || 'application/octet-stream'
      const u = await api.post<UploadURL>('/v1/materials/uploads', { fileName: file.name, contentType, size: file.size, sha256: sum })
      await put(u, file, setProgress)
      setStep('Adding the version…')
      const m = await api.post<Material>('/v1/materials', {
        movieId, assetType, fileName: file.name, sha256: sum, contentType, upload: u.upload,
        ...(variant.trim() ? { variant: variant.trim() } : {}),
        ...(qc ? { qc } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
      })
      toast(`${m.assetTypeName} v${m.version} added: ${m.fileName}`)
      setFile(undefined)
      setNote('')
      onAdded()
    } catch (err) {
      setError(messageOf(err))
    } finally {
      setStep(undefined)
      setProgress(0)
    }
  }

  return (
    <form className="studio-form" onSubmit={(e) => void add(e)} noValidate aria-labelledby={`${id}-h`} data-testid="add-version">
      <h2 id={`${id}-h`} className="section-title">Add a version</h2>
      <div className="studio-grid">
        <div className="qc-field">
          <label htmlFor={`${id}-type`}>Asset type</label>
          <select id={`${id}-type`} value={assetType} onChange={(e) => setAssetType(e.target.value)}>
            <option value="">Choose…</option>
            {assetTypes.map((a) => (
              <option key={a.code} value={a.code}>{a.name}</option>
            ))}
          </select>
        </div>
        <div className="qc-field">
          <label htmlFor={`${id}-variant`}>Variant (optional: a language)</label>
          <input id={`${id}-variant`} type="text" value={variant} onChange={(e) => setVariant(e.target.value)} />
        </div>
        <div className="qc-field">
          <label htmlFor={`${id}-file`}>File</label>
          <input id={`${id}-file`} type="file" onChange={(e) => setFile(e.target.files?.[0])} />
        </div>
        {audio.has(assetType) && (
          <div className="qc-field">
            <label htmlFor={`${id}-qc`}>QC label</label>
            <select id={`${id}-qc`} value={qc} onChange={(e) => setQC(e.target.value)}>
              <option value="">QC Pending</option>
              <option value="READY_FOR_MIX">Ready for Mix</option>
            </select>
          </div>
        )}
        <div className="qc-field wide">
          <label htmlFor={`${id}-note`}>Note (optional)</label>
          <input id={`${id}-note`} type="text" value={note} onChange={(e) => setNote(e.target.value)} />
        </div>
      </div>
      {step && (
        <div role="status" className="qc-field">
          <span>{step}</span>
          {progress > 0 && <span className="progress" aria-hidden="true"><span style={{ width: `${Math.round(progress * 100)}%` }} /></span>}
        </div>
      )}
      {error && <p className="field-error" role="alert">{error}</p>}
      <div className="studio-actions">
        <button type="submit" className="btn btn-primary" disabled={!!step} data-action="add-version">Upload and add</button>
        {file && <span className="muted">{file.name}, {size(file.size)}</span>}
      </div>
    </form>
  )
}
