// The Asset Details panel: the file's metadata (and its technical metadata
// for media), a preview player for video, the Update History of its asset
// type and the Download History of the caller's partner ("Show My
// Downloads Only"). Its Download button downloads this asset alone.
import { type KeyboardEvent, useEffect, useRef, useState } from 'react'
import { duration, languageName, size, when } from '../details/format'
import { useGet } from '../details/data'
import { messageOf, useSession } from '../session'
import { IconButton, Notice, Spinner } from '../ui'
import { Player } from '../player/Player'
import { timecode } from '../player/timecode'
import { downloadedLabel } from './model'
import type { DownloadRecord, Material, StartAnswer } from './types'

const tabs = [
  { key: 'detail', label: 'Detail' },
  { key: 'updates', label: 'Update History' },
  { key: 'downloads', label: 'Download History' },
] as const
type Tab = (typeof tabs)[number]['key']

interface Props {
  material: Material
  ready: ReadonlySet<string>
  onClose: () => void
  onDownload: (m: Material) => void
  busy: boolean
  /** Bumped when the list was loaded again (the download history may have changed). */
  round: number
}

export function AssetDetails({ material: m, ready, onClose, onDownload, busy, round }: Props) {
  const [tab, setTab] = useState<Tab>('detail')
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([])
  const onTabKey = (e: KeyboardEvent, i: number) => {
    const n = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : null
    if (n === null) return
    e.preventDefault()
    const j = (n + tabs.length) % tabs.length
    setTab(tabs[j]!.key)
    tabRefs.current[j]?.focus()
  }
  const label = downloadedLabel(m, ready)

  return (
    <aside className="mat-details" aria-labelledby="asset-details-title" data-testid="asset-details">
      <header className="mat-details-head">
        <div>
          <p className="eyebrow">{m.assetTypeName} · version {m.version}</p>
          <h2 id="asset-details-title" className="mat-details-title">{m.fileName}</h2>
        </div>
        <IconButton label="Close the asset details" icon="close" onClick={onClose} />
      </header>
      <div className="mat-details-actions">
        <button type="button" className="btn btn-primary btn-small" onClick={() => onDownload(m)} disabled={busy} data-testid="details-download">
          Download this asset
        </button>
        {label && <span className={`badge mat-dl-${label.toLowerCase()}`}>{label}</span>}
      </div>
      <div className="mat-tabs" role="tablist" aria-label="Asset details">
        {tabs.map((t, i) => (
          <button
            key={t.key}
            ref={(el) => {
              tabRefs.current[i] = el
            }}
            type="button"
            role="tab"
            id={`asset-tab-${t.key}`}
            aria-selected={tab === t.key}
            aria-controls={`asset-panel-${t.key}`}
            tabIndex={tab === t.key ? 0 : -1}
            className="mat-tab"
            onClick={() => setTab(t.key)}
            onKeyDown={(e) => onTabKey(e, i)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="mat-tab-panel" role="tabpanel" id={`asset-panel-${tab}`} aria-labelledby={`asset-tab-${tab}`} tabIndex={0}>
        {tab === 'detail' && <Detail m={m} />}
        {tab === 'updates' && <Updates m={m} />}
        {tab === 'downloads' && <Downloads m={m} round={round} />}
      </div>
    </aside>
  )
}

function channels(n: number): string {
  return `${n} ${n === 1 ? 'channel' : 'channels'}`
}

function Detail({ m }: { m: Material }) {
  const media = m.media
  const video = !!media?.videoCodec || m.contentType.startsWith('video/')
  const rows: [string, string][] = [
    ['Title', m.title ?? ''],
    ['Asset type', m.assetTypeName + (m.variant ? ` · ${m.variant}` : '')],
    ['File name', m.fileName],
    ['Size', size(m.size)],
    ['Delivered on', when(m.deliveredOn)],
  ]
  if (m.qcName) rows.push(['QC status', m.qcName])
  if (media) {
    rows.push(['Duration', media.frameRate ? `${timecode(media.durationS, media.frameRate)} (${duration(media.durationS)})` : duration(media.durationS)])
    if (media.videoCodec) {
      rows.push(['Resolution', media.width && media.height ? `${media.width} × ${media.height}` : ''])
      rows.push(['Video codec', media.videoCodec])
      if (media.frameRate) rows.push(['Frame rate', `${Number.isInteger(media.frameRate) ? media.frameRate : media.frameRate.toFixed(3)} fps`])
    }
    media.audio.forEach((a, i) => {
      const what = [a.layout || channels(a.channels), a.layout ? channels(a.channels) : '', a.codec, a.language ? languageName(a.language) : ''].filter(Boolean).join(' · ')
      rows.push([media.audio.length > 1 ? `Audio ${i + 1}` : 'Audio', what])
    })
    if (media.subtitles.length) rows.push(['Subtitles', media.subtitles.map((l) => languageName(l) || 'untagged').join(', ')])
    rows.push(['Languages', media.languages.length ? media.languages.map((l) => languageName(l)).join(', ') : 'not tagged'])
  }
  rows.push(['SHA-256', m.sha256])
  if (m.note) rows.push(['Note', m.note])
  return (
    <>
      {video && <Preview m={m} />}
      <dl className="mat-facts" data-testid="asset-metadata">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd className={k === 'SHA-256' ? 'mono' : undefined}>{v}</dd>
          </div>
        ))}
      </dl>
      {!media && <p className="muted">No technical metadata: this file is not audio or video.</p>}
    </>
  )
}

// Codecs browsers decode in an MP4, WebM or MOV (HEVC only in some).
const browserCodecs = ['h264', 'vp8', 'vp9', 'av1', 'hevc']

/**
 * The preview: the stored video, or for a proxy video the caller's own
 * watermarked proxy — asked for only when they press Play preview, since
 * an empty pool makes one on demand (Processing, then ready by itself).
 */
function Preview({ m }: { m: Material }) {
  const codec = m.media?.videoCodec
  if (codec && !browserCodecs.includes(codec)) {
    return (
      <div className="mat-preview mat-preview-ask" data-testid="preview-unplayable">
        <p>Browsers cannot play {codec === 'prores' ? 'ProRes' : codec} video: download the file to watch it.</p>
      </div>
    )
  }
  return <PlayablePreview m={m} />
}

function PlayablePreview({ m }: { m: Material }) {
  const { api } = useSession()
  const [asked, setAsked] = useState(!m.watermarked)
  const [answer, setAnswer] = useState<StartAnswer>()
  const [error, setError] = useState<unknown>()
  const [round, setRound] = useState(0)

  useEffect(() => {
    setAsked(!m.watermarked)
    setAnswer(undefined)
    setError(undefined)
  }, [m.id, m.watermarked])

  useEffect(() => {
    if (!asked) return
    const c = new AbortController()
    api.post<StartAnswer>(`/v1/materials/${encodeURIComponent(m.id)}/preview`, undefined, c.signal).then(
      (a) => !c.signal.aborted && setAnswer(a),
      (e: unknown) => !c.signal.aborted && setError(e),
    )
    return () => c.abort()
  }, [api, m.id, asked, round])

  // Processing: ask again every few seconds until the proxy is ready.
  useEffect(() => {
    if (answer?.status !== 'PROCESSING') return
    const t = setTimeout(() => setRound((n) => n + 1), 3000)
    return () => clearTimeout(t)
  }, [answer])

  if (!asked) {
    return (
      <div className="mat-preview mat-preview-ask">
        <p>Your preview of this proxy carries your own watermark.</p>
        <button type="button" className="btn btn-primary btn-small" onClick={() => setAsked(true)} data-testid="play-preview">
          Play preview
        </button>
      </div>
    )
  }
  if (error !== undefined) {
    return <Notice tone="danger" title="The preview cannot be played"><p>{messageOf(error)}</p></Notice>
  }
  if (!answer) return <div className="mat-preview mat-preview-ask"><Spinner label="Loading the preview" /></div>
  if (answer.status === 'PROCESSING' || !answer.url) {
    return (
      <div className="mat-preview mat-preview-ask" data-testid="preview-processing">
        <span className="badge mat-dl-processing">Processing</span>
        <p>Your watermarked proxy is being made. It plays here when it is ready, and an email tells you too.</p>
      </div>
    )
  }
  return (
    <div className="mat-preview">
      <Player
        src={answer.url}
        frameRate={m.media?.frameRate}
        title={`Preview of ${m.fileName}`}
        audioLanguages={m.media?.audio.map((a) => (a.language ? languageName(a.language) : 'untagged'))}
      />
      {answer.proxy && <p className="muted mat-preview-note">Watermark code {answer.proxy.code}</p>}
    </div>
  )
}

function Updates({ m }: { m: Material }) {
  const h = useGet<{ versions: Material[] | null }>(`/v1/materials/${encodeURIComponent(m.id)}/history`)
  if (h.error !== undefined) return <Notice tone="danger" title="The update history could not be loaded"><p>{messageOf(h.error)}</p></Notice>
  if (!h.data) return <Spinner label="Loading the update history" />
  const versions = h.data.versions ?? []
  const qc = versions.some((v) => v.qc)
  // QC label changes of every version, newest first.
  const changes = versions
    .flatMap((v) => (v.qcChanges ?? []).map((c) => ({ ...c, version: v.version })))
    .sort((a, b) => b.at.localeCompare(a.at))
  return (
    <>
      <table className="mat-mini" data-testid="update-history">
        <caption className="sr-only">Versions of {m.assetTypeName}, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">File name</th>
            <th scope="col">Delivered on</th>
            {qc && <th scope="col">QC status</th>}
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.id} className={v.id === m.id ? 'is-current' : undefined}>
              <td>v{v.version}{v.id === m.id && <span className="muted"> (current)</span>}</td>
              <td className="mono">{v.fileName}</td>
              <td>{when(v.deliveredOn)}</td>
              {qc && <td>{v.qcName ?? ''}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      {changes.length > 0 && (
        <table className="mat-mini" data-testid="qc-label-history">
          <caption>QC label changes, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Changed</th>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">By</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((c, i) => (
              <tr key={i}>
                <td>v{c.version}</td>
                <td>{when(c.at)}</td>
                <td>{c.fromName ?? '—'}</td>
                <td>{c.toName}</td>
                <td>{c.byName || c.by}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}

function Downloads({ m, round }: { m: Material; round: number }) {
  const [mine, setMine] = useState(false)
  const path = `/v1/materials/${encodeURIComponent(m.id)}/downloads${mine ? '?mine=true' : ''}`
  const h = useGet<{ downloads: DownloadRecord[] | null }>(path)
  const { reload } = h
  useEffect(() => {
    if (round) reload()
  }, [round, reload])
  const list = h.data?.downloads ?? []
  return (
    <>
      <label className="mat-mine">
        <input type="checkbox" checked={mine} onChange={(e) => setMine(e.currentTarget.checked)} data-testid="mine-only" />
        Show My Downloads Only
      </label>
      {h.error !== undefined && <Notice tone="danger" title="The download history could not be loaded"><p>{messageOf(h.error)}</p></Notice>}
      {!h.data && h.error === undefined && <Spinner label="Loading the download history" />}
      {h.data && (
        list.length === 0 ? (
          <p className="muted">{mine ? 'You have not downloaded this asset type.' : 'Nobody of your company has downloaded this asset type.'}</p>
        ) : (
          <table className="mat-mini" data-testid="download-history">
            <caption className="sr-only">Downloads of {m.assetTypeName}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Version</th>
                <th scope="col">Started</th>
                <th scope="col">Completed</th>
              </tr>
            </thead>
            <tbody>
              {list.map((d) => (
                <tr key={d.id}>
                  <td>{d.userName || d.user}{d.code && <span className="muted mono"> · {d.code}</span>}</td>
                  <td>v{d.version}</td>
                  <td>{when(d.startedAt)}</td>
                  <td>{d.state === 'COMPLETED' ? when(d.completedAt) : <span className="muted">not yet</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
    </>
  )
}
