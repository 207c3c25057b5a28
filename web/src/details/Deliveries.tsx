// Deliveries: a card per transfer, newest first and expanded (or the one
// the URL names: ?tab=deliveries&transfer=…), each with its status
// timeline, error codes and their help, transfer details, delivery and
// technical metadata, and the actions the API offers on it.
import { useEffect, useMemo, useState } from 'react'
import { Link } from 'react-router'
import { DecisionDialog } from './dialogs'
import { useActorName, useErrorCodes, useFieldLabels } from './data'
import { containerName, count, duration, languageName, qcStatusName, size, transferStatusName, when, words } from './format'
import { ActionButton, Badge, CopyId, Dialog, Fields, revealCard } from './parts'
import { qcTone, transferName, transferTone } from './status'
import type { Composition, ErrorCode, Finding, InspectedFile, QCCard, Transfer, TransferActionKey, TransferEvent } from './types'

const errorStatuses = new Set(['FAILED', 'ERROR', 'INTERNAL_ERROR'])
const timelineShown = 4

interface Props {
  requestId: string
  transfers: Transfer[]
  qc: QCCard[]
  /** The transfer the URL names: expanded and scrolled to. */
  focus?: string
  onChanged: () => void
}

type Decision = { kind: TransferActionKey; transfer: Transfer }

export function Deliveries({ requestId, transfers, qc, focus, onChanged }: Props) {
  const qcByTransfer = useMemo(() => new Map(qc.map((q) => [q.transferId, q])), [qc])
  const initial = () => new Set(focus && transfers.some((t) => t.id === focus) ? [focus] : transfers.slice(0, 1).map((t) => t.id))
  const [open, setOpen] = useState<Set<string>>(initial)
  const [decision, setDecision] = useState<Decision>()
  const [sheet, setSheet] = useState<Transfer>()

  // A new focus (a mail link, "Show the delivery" from QC) opens its card and scrolls to it.
  useEffect(() => {
    if (!focus) return
    setOpen((o) => (o.has(focus) ? o : new Set([...o, focus])))
    requestAnimationFrame(() => revealCard(document.getElementById(`transfer-${focus}`)))
  }, [focus])

  if (transfers.length === 0) {
    return (
      <div className="empty" data-testid="no-deliveries">
        <h2>No deliveries yet</h2>
        <p className="muted">Files delivered to this request appear here, one card per delivery.</p>
      </div>
    )
  }

  const allOpen = transfers.every((t) => open.has(t.id))
  const toggle = (id: string, isOpen: boolean) =>
    setOpen((o) => {
      if (o.has(id) === isOpen) return o
      const n = new Set(o)
      if (isOpen) n.add(id)
      else n.delete(id)
      return n
    })

  return (
    <div className="cards" data-testid="deliveries">
      <div className="cards-bar">
        <p className="muted">{count(transfers.length, 'delivery', 'deliveries')}, newest first</p>
        <button
          type="button"
          className="btn btn-sm btn-quiet"
          aria-pressed={allOpen}
          onClick={() => setOpen(allOpen ? new Set() : new Set(transfers.map((t) => t.id)))}
        >
          <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
            <path d={allOpen ? 'M4 10l4-4 4 4' : 'M4 6l4 4 4-4'} fill="none" stroke="currentColor" strokeWidth="1.75" />
          </svg>
          {allOpen ? 'Collapse all' : 'Expand all'}
        </button>
      </div>
      {transfers.map((t, i) => (
        <TransferCard
          key={t.id}
          transfer={t}
          newest={i === 0}
          qc={qcByTransfer.get(t.id)}
          open={open.has(t.id)}
          focused={t.id === focus}
          onToggle={(o) => toggle(t.id, o)}
          onDecide={(kind) => setDecision({ kind, transfer: t })}
          onTimeline={() => setSheet(t)}
          requestId={requestId}
        />
      ))}
      {sheet && <TimelineSheet transfer={sheet} onClose={() => setSheet(undefined)} />}
      {decision && (
        <TransferDecision
          decision={decision}
          onClose={(changed) => {
            setDecision(undefined)
            if (changed) onChanged()
          }}
        />
      )}
    </div>
  )
}

interface CardProps {
  transfer: Transfer
  newest: boolean
  qc?: QCCard
  open: boolean
  focused: boolean
  onToggle: (open: boolean) => void
  onDecide: (kind: TransferActionKey) => void
  onTimeline: () => void
  requestId: string
}

function TransferCard({ transfer: t, newest, qc, open, focused, onToggle, onDecide, onTimeline }: CardProps) {
  const a = t.actions
  return (
    <details
      className={`card-x${focused ? ' card-focused' : ''}`}
      id={`transfer-${t.id}`}
      open={open}
      onToggle={(e) => onToggle(e.currentTarget.open)}
      data-testid="transfer-card"
      data-transfer={t.id}
      data-status={t.status}
    >
      <summary className="card-x-head">
        <span className="card-x-chevron" aria-hidden="true" />
        <span className="card-x-name">
          <span className="card-x-file">{transferName(t)}</span>
          <span className="card-x-sub">
            Initiated {when(t.createdAt)} · {t.method}
            {newest ? ' · latest' : ''}
          </span>
        </span>
        <span className="card-x-badges">
          <Badge tone={transferTone(t.status)}>{transferStatusName(t.status)}</Badge>
          {t.overrideVerified && <Badge tone="risk">Overridden</Badge>}
          {qc && <Badge tone={qcTone(qc.qc.status)}>QC: {qcStatusName(qc.qc.status)}</Badge>}
        </span>
      </summary>
      {open && (
        <div className="card-x-body">
          <StatusSection transfer={t} onTimeline={onTimeline} />
          {/* The decisions sit right under the errors they are about, not below the metadata. */}
          <div className="card-x-actions" role="group" aria-label="Delivery actions">
            {qc && (
              <Link className="btn btn-sm" to={`?tab=qc&transfer=${encodeURIComponent(t.id)}`} data-action="see-qc">
                See Quality Control
              </Link>
            )}
            <ActionButton action={a.override} label="Override" primary onClick={() => onDecide('override')} testId="override" />
            <ActionButton action={a.verify} label="Verify override" primary onClick={() => onDecide('verify')} testId="verify" />
            <ActionButton action={a.reject} label="Reject override" onClick={() => onDecide('reject')} testId="reject" />
            <ActionButton action={a.ignore} label="Ignore delivery" onClick={() => onDecide('ignore')} testId="ignore" />
            <ActionButton action={a.reinspect} label="Inspect again" onClick={() => onDecide('reinspect')} testId="reinspect" />
            <ActionButton action={a.abort} label="Abort upload" onClick={() => onDecide('abort')} testId="abort" />
          </div>
          <div className="card-x-grid">
            <TransferDetails transfer={t} />
            <DeliveryMetadata transfer={t} />
            <TechnicalMetadata transfer={t} />
          </div>
        </div>
      )}
    </details>
  )
}

/** The findings of the latest inspection, or the transfer's error code when it has none. */
function findingsOf(t: Transfer, codes?: Map<string, ErrorCode>): Finding[] {
  const found = t.inspection?.findings ?? []
  if (found.length) return found
  if (!t.errorCode) return []
  return [{ code: t.errorCode, message: t.errorMessage ?? '', overridable: codes?.get(t.errorCode)?.overridable ?? false }]
}

function StatusSection({ transfer: t, onTimeline }: { transfer: Transfer; onTimeline: () => void }) {
  const codes = useErrorCodes()
  const name = useActorName()
  const events = t.timeline ?? []
  const findings = findingsOf(t, codes)
  const errored = errorStatuses.has(t.status)

  if (errored) {
    const last = [...events].reverse().find((e) => e.status === t.status)
    return (
      <section className="card-x-section" aria-label="Transfer status">
        <h3 className="sub-title">Transfer status</h3>
        <div className="tl-error">
          <p className="tl-error-head">
            <Badge tone="critical">{transferStatusName(t.status)}</Badge>
            {last && (
              <span className="muted">
                {when(last.at)} · {name(last.by)}
              </span>
            )}
          </p>
          <Findings findings={findings} codes={codes} />
          <button type="button" className="btn btn-sm btn-quiet" onClick={onTimeline}>
            Show status &amp; errors
          </button>
        </div>
      </section>
    )
  }

  const hidden = Math.max(0, events.length - timelineShown)
  const shown = events.slice(hidden)
  return (
    <section className="card-x-section" aria-label="Transfer status">
      <h3 className="sub-title">Transfer status</h3>
      <ol className="tl" data-testid="timeline">
        {hidden > 0 && (
          <li className="tl-more">
            <button type="button" className="btn btn-sm btn-quiet" onClick={onTimeline} data-testid="timeline-more">
              {hidden} more
            </button>
          </li>
        )}
        {shown.map((e, i) => (
          <TimelineStep key={i} event={e} last={i === shown.length - 1} />
        ))}
      </ol>
      {findings.length > 0 && (
        <div className="tl-findings">
          <h4 className="sub-title">
            {t.status === 'OVERRIDDEN'
              ? 'Overridden errors, waiting for the studio to verify'
              : t.overrideVerified
                ? 'Overridden errors, verified by the studio'
                : 'Errors found by the inspection'}
          </h4>
          <Findings findings={findings} codes={codes} />
        </div>
      )}
    </section>
  )
}

// A note that is only error codes ("BLACK_SEGMENT, SILENCE") is shown as codes, not as a quote.
const codesOnly = /^[A-Z0-9_]+(, ?[A-Z0-9_]+)*$/

function TimelineStep({ event: e, last }: { event: TransferEvent; last: boolean }) {
  const name = useActorName()
  return (
    <li className={`tl-step tl-${transferTone(e.status)}${last ? ' tl-current' : ''}`}>
      <span className="tl-dot" aria-hidden="true" />
      <span className="tl-status">{transferStatusName(e.status)}</span>
      <time className="tl-at" dateTime={e.at}>
        {when(e.at)}
      </time>
      <span className="tl-by">{name(e.by)}</span>
      {e.note && e.note !== e.status && (codesOnly.test(e.note) ? <code className="tl-codes">{e.note}</code> : <span className="tl-note">{e.note}</span>)}
    </li>
  )
}

function Findings({ findings, codes }: { findings: Finding[]; codes?: Map<string, ErrorCode> }) {
  if (!findings.length) return null
  return (
    <ul className="findings" data-testid="findings">
      {findings.map((f, i) => {
        const c = codes?.get(f.code)
        return (
          <li key={i} className="finding" data-code={f.code}>
            <p className="finding-head">
              <a className="code-link" href={`/help/error-codes#${encodeURIComponent(f.code)}`} target="_blank" rel="noopener">
                {f.code}
                <span className="sr-only"> (help, opens in a new tab)</span>
              </a>
              {c && <strong>{c.title}</strong>}
              <Badge tone={f.overridable ? 'info' : 'muted'}>{f.overridable ? 'Overridable' : 'Not overridable'}</Badge>
            </p>
            {f.message && (
              <p className="finding-msg">
                {f.message}
                {f.file && <span className="muted"> · {f.file}</span>}
              </p>
            )}
            {c?.help && <p className="finding-help">{c.help}</p>}
          </li>
        )
      })}
    </ul>
  )
}

function TransferDetails({ transfer: t }: { transfer: Transfer }) {
  const name = useActorName()
  const files = t.files ?? []
  const insp = t.inspection
  return (
    <section className="card-x-section" aria-label="Transfer details">
      <h3 className="sub-title">Transfer details</h3>
      <Fields
        rows={[
          ['Transfer ID', <CopyId key="id" value={t.id} label="transfer ID" />],
          ['Delivery method', t.method],
          ['Delivered by', name(t.deliveredBy)],
          ['Initiated', when(t.createdAt)],
          ['Delivered', when(t.deliveredAt)],
          ['Processed', when(t.processedAt)],
          ['Inspection', insp ? `Attempt ${insp.attempt}, policy ${insp.policyVersion}, ${when(insp.at)}` : ''],
          [
            'Previous delivery',
            insp?.previousTransfer ? (
              <Link to={`?tab=deliveries&transfer=${encodeURIComponent(insp.previousTransfer)}`}>Show the previous delivery</Link>
            ) : '',
          ],
        ]}
      />
      <ul className="files">
        {files.map((f) => (
          <li key={f.name}>
            <span className="file-name">{f.name}</span>
            <span className="muted">
              {size(f.size)} · {f.contentType}
            </span>
            <span className="hash" title={`SHA-256 ${f.sha256}`}>
              SHA-256 {f.sha256.slice(0, 16)}…
            </span>
          </li>
        ))}
      </ul>
    </section>
  )
}

function DeliveryMetadata({ transfer: t }: { transfer: Transfer }) {
  const labels = useFieldLabels()
  const files = (t.files ?? []).filter((f) => f.metadata && Object.keys(f.metadata).length)
  return (
    <section className="card-x-section" aria-label="Delivery metadata">
      <h3 className="sub-title">Delivery metadata</h3>
      {files.length === 0 && <p className="muted">None given with this delivery.</p>}
      {files.map((f) => (
        <div key={f.name}>
          {(t.files?.length ?? 0) > 1 && <p className="file-name">{f.name}</p>}
          <Fields
            rows={Object.entries(f.metadata ?? {}).map(([k, v]) => [
              labels?.get(k) ?? words(k),
              k === 'language' ? languageName(v) : v,
            ])}
          />
        </div>
      ))}
    </section>
  )
}

const trackKinds: Record<string, string> = { video: 'Video', audio: 'Audio', timedText: 'Timed text', marker: 'Markers' }

/** An IMF package's composition: what its CPL says, and each track's status (the video track first). */
function CompositionSummary({ composition: c }: { composition: Composition }) {
  const tracks = c.tracks ?? []
  return (
    <div data-testid="composition">
      <Fields
        rows={[
          ['Title', c.title],
          ['Edit rate', `${+c.frameRate.toFixed(3)} fps (${c.editRate})`],
          ['Runtime', duration(c.runtimeS)],
          ['Languages', (c.languages ?? []).map(languageName).join(', ')],
        ]}
      />
      <ul className="files" aria-label="Tracks">
        {tracks.map((tr) => (
          <li key={tr.trackId} data-testid="track">
            <span className="file-name">{trackKinds[tr.kind] ?? words(tr.kind)}</span>
            <span className="muted">
              {[duration(tr.durationS), (tr.languages ?? []).map(languageName).join(', '), (tr.files ?? []).join(', ') || 'delivered earlier']
                .filter(Boolean)
                .join(' · ')}
            </span>
            <Badge tone={transferTone(tr.status)}>{transferStatusName(tr.status)}</Badge>
          </li>
        ))}
      </ul>
    </div>
  )
}

function TechnicalMetadata({ transfer: t }: { transfer: Transfer }) {
  const files = t.inspection?.files ?? []
  const composition = t.inspection?.composition
  return (
    <section className="card-x-section" aria-label="Technical metadata">
      <h3 className="sub-title">Technical metadata</h3>
      {files.length === 0 && <p className="muted">Not inspected yet.</p>}
      {composition && <CompositionSummary composition={composition} />}
      {files.map((f) => (
        <div key={f.name}>
          {files.length > 1 && <p className="file-name">{f.name}</p>}
          <Fields rows={probeRows(f)} />
        </div>
      ))}
    </section>
  )
}

function spans(list?: { startS: number; endS: number }[] | null): string {
  if (!list?.length) return ''
  return list.map((s) => `${duration(s.startS)}–${duration(s.endS)}`).join(', ')
}

function probeRows(f: InspectedFile): [string, string][] {
  const m = f.media
  const rows: [string, string][] = []
  if (f.format) rows.push(['Format', f.format])
  if (m) {
    rows.push(['Container', containerName(m.container, f.name)], ['Duration', duration(m.durationS)])
    if (m.timecode) rows.push(['Start timecode', m.timecode])
    for (const [i, v] of (m.video ?? []).entries()) {
      rows.push([
        m.video!.length > 1 ? `Video ${i + 1}` : 'Video',
        `${v.codec} · ${v.width}×${v.height} · ${+v.frameRate.toFixed(3)} fps`,
      ])
    }
    for (const [i, a] of (m.audio ?? []).entries()) {
      const parts = [
        a.codec,
        `${a.channels} ch${a.layout ? ` (${a.layout})` : ''}`,
        `${a.sampleRate / 1000} kHz`,
        a.bitDepth ? `${a.bitDepth}-bit` : '',
        a.language ?? '',
      ].filter(Boolean)
      rows.push([m.audio!.length > 1 ? `Audio ${i + 1}` : 'Audio', parts.join(' · ')])
    }
    for (const [i, s] of (m.subtitles ?? []).entries()) {
      rows.push([m.subtitles!.length > 1 ? `Subtitles ${i + 1}` : 'Subtitles', [s.codec, s.language].filter(Boolean).join(' · ')])
    }
  }
  const d = f.detection
  if (d) {
    rows.push(['Black', spans(d.black) || 'None found'])
    rows.push(['Silence', spans(d.silence) || 'None found'])
    if (d.undecodable) rows.push(['Undecodable frames', String(d.undecodable)])
  }
  return rows
}

/** The side panel with every status the transfer passed through, and its errors. */
function TimelineSheet({ transfer: t, onClose }: { transfer: Transfer; onClose: () => void }) {
  const codes = useErrorCodes()
  const events = t.timeline ?? []
  const findings = findingsOf(t, codes)
  return (
    <Dialog title="Status & errors" sheet onClose={onClose} testId="timeline-sheet">
      <p className="file-name">{transferName(t)}</p>
      <ol className="tl tl-vertical">
        {events.map((e, i) => (
          <TimelineStep key={i} event={e} last={i === events.length - 1} />
        ))}
      </ol>
      {findings.length > 0 && (
        <>
          <h3 className="sub-title">Errors</h3>
          <Findings findings={findings} codes={codes} />
        </>
      )}
    </Dialog>
  )
}

function TransferDecision({ decision: { kind, transfer: t }, onClose }: { decision: Decision; onClose: (changed: boolean) => void }) {
  const codes = useErrorCodes()
  const path = `/v1/transfers/${encodeURIComponent(t.id)}/${kind}`
  const findings = findingsOf(t, codes)
  const errors = findings.length > 0 && (
    <div className="dlg-context">
      <p className="file-name">{transferName(t)}</p>
      <Findings findings={findings} codes={codes} />
    </div>
  )
  switch (kind) {
    case 'override':
      return (
        <DecisionDialog
          title="Override inspection errors"
          path={path}
          submit="Override"
          reason="required"
          reasonLabel="Why these errors are expected in this file"
          intro={
            <>
              {errors}
              <p className="muted">The studio reviews your reason before the delivery is processed; let your studio contact know.</p>
            </>
          }
          onClose={onClose}
          testId="override-dialog"
        />
      )
    case 'verify':
      return (
        <DecisionDialog
          title="Verify the override"
          path={path}
          submit="Verify"
          reason="optional"
          intro={
            <>
              {errors}
              <OverrideReason transfer={t} />
              <p className="muted">The delivery and the request become Processed.</p>
            </>
          }
          onClose={onClose}
          testId="verify-dialog"
        />
      )
    case 'reject':
      return (
        <DecisionDialog
          title="Reject the override"
          path={path}
          submit="Reject"
          danger
          reason="required"
          intro={
            <>
              {errors}
              <OverrideReason transfer={t} />
              <p className="muted">The delivery fails again and the request asks for a redelivery.</p>
            </>
          }
          onClose={onClose}
          testId="reject-dialog"
        />
      )
    case 'ignore':
      return (
        <DecisionDialog
          title="Ignore this delivery"
          path={path}
          submit="Ignore"
          danger
          reason="required"
          intro={<p className="muted">This delivery is set aside and the previous one stands.</p>}
          onClose={onClose}
          testId="ignore-dialog"
        />
      )
    case 'reinspect':
      return (
        <DecisionDialog
          title="Inspect again"
          path={path}
          submit="Inspect again"
          reason="none"
          intro={<p>The delivery returns to Pending Inspection and a new inspection attempt starts.</p>}
          onClose={onClose}
          testId="reinspect-dialog"
        />
      )
    case 'abort':
      return (
        <DecisionDialog
          title="Abort the upload"
          path={path}
          submit="Abort upload"
          danger
          reason="none"
          intro={<p>The parts sent so far are discarded.</p>}
          onClose={onClose}
          testId="abort-dialog"
        />
      )
  }
}

/** The partner's reason for an override, as the timeline recorded it. */
function OverrideReason({ transfer: t }: { transfer: Transfer }) {
  const name = useActorName()
  const e = [...(t.timeline ?? [])].reverse().find((x) => x.status === 'OVERRIDDEN')
  if (!e?.note) return null
  return (
    <blockquote className="quote">
      <p>{e.note}</p>
      <footer className="muted">
        {name(e.by)}, {when(e.at)}
      </footer>
    </blockquote>
  )
}
