// Quality Control: a card per QC (one per delivery that went through QC),
// Issues and Blockers counted in the header, the events in a table with
// Blockers highlighted, and the report exported as PDF or CSV.
import { useEffect, useMemo, useState } from 'react'
import { Link } from 'react-router'
import { downloadFile } from '../lib/download'
import { messageOf, useSession } from '../session'
import { useActorName, useGlossary } from './data'
import { count, qcStatusName, severityName, when } from './format'
import { Badge, CopyId, Fields, revealCard } from './parts'
import { qcTone, transferName } from './status'
import { CategoryHelp, PlayAt } from '../qc/EventLinks'
import type { QCCard, Transfer } from './types'

interface Props {
  cards: QCCard[]
  transfers: Transfer[]
  focus?: string
}

export function QualityControl({ cards, transfers, focus }: Props) {
  const byId = useMemo(() => new Map(transfers.map((t) => [t.id, t])), [transfers])
  // Newest delivery first, as on the Deliveries tab.
  const order = useMemo(() => new Map(transfers.map((t, i) => [t.id, i])), [transfers])
  const sorted = useMemo(
    () => [...cards].sort((a, b) => (order.get(a.transferId) ?? 1e9) - (order.get(b.transferId) ?? 1e9)),
    [cards, order],
  )
  // The card a link names, else the newest delivery's, as on the Deliveries tab.
  const [open, setOpen] = useState<Set<string>>(() => new Set(focus ? [focus] : sorted.slice(0, 1).map((q) => q.transferId)))

  useEffect(() => {
    if (!focus) return
    setOpen((o) => (o.has(focus) ? o : new Set([...o, focus])))
    requestAnimationFrame(() => revealCard(document.getElementById(`qc-${focus}`)))
  }, [focus])

  if (cards.length === 0) {
    return (
      <div className="empty" data-testid="no-qc">
        <h2>No quality control yet</h2>
        <p className="muted">When a delivery of this request goes through quality control, its results appear here.</p>
      </div>
    )
  }

  const allOpen = sorted.every((q) => open.has(q.transferId))
  return (
    <div className="cards" data-testid="qc">
      <div className="cards-bar">
        <p className="muted">{count(cards.length, 'QC request')}, newest delivery first</p>
        <button
          type="button"
          className="btn btn-sm btn-quiet"
          aria-pressed={allOpen}
          onClick={() => setOpen(allOpen ? new Set() : new Set(sorted.map((q) => q.transferId)))}
        >
          {allOpen ? 'Collapse all' : 'Expand all'}
        </button>
      </div>
      {sorted.map((q) => (
        <QCCardView
          key={q.transferId}
          card={q}
          transfer={byId.get(q.transferId)}
          open={open.has(q.transferId)}
          focused={q.transferId === focus}
          onToggle={(o) =>
            setOpen((s) => {
              if (s.has(q.transferId) === o) return s
              const n = new Set(s)
              if (o) n.add(q.transferId)
              else n.delete(q.transferId)
              return n
            })
          }
        />
      ))}
    </div>
  )
}

interface CardProps {
  card: QCCard
  transfer?: Transfer
  open: boolean
  focused: boolean
  onToggle: (open: boolean) => void
}

function QCCardView({ card: q, transfer, open, focused, onToggle }: CardProps) {
  const issues = q.counts.ISSUE ?? 0
  const blockers = q.counts.BLOCKER ?? 0
  const fyis = q.counts.FYI ?? 0
  const delivered = transfer?.deliveredAt ?? transfer?.createdAt
  const changes = [...(q.qc.timeline ?? []).map((c) => c.at), ...(q.qc.events ?? []).map((e) => e.at)].sort()
  const updated = changes[changes.length - 1]
  const latest = q.qc.timeline?.[q.qc.timeline.length - 1]
  return (
    <details
      className={`card-x${focused ? ' card-focused' : ''}`}
      id={`qc-${q.transferId}`}
      open={open}
      onToggle={(e) => onToggle(e.currentTarget.open)}
      data-testid="qc-card"
      data-transfer={q.transferId}
    >
      <summary className="card-x-head">
        <span className="card-x-chevron" aria-hidden="true" />
        <span className="qc-counts">
          <span className={`count-pill count-issue${issues ? '' : ' count-zero'}`} data-testid="qc-issues">
            {count(issues, 'Issue')}
          </span>
          <span className={`count-pill count-blocker${blockers ? '' : ' count-zero'}`} data-testid="qc-blockers">
            {count(blockers, 'Blocker')}
          </span>
        </span>
        <span className="card-x-name">
          <span className="card-x-file">{transferName(transfer, q.files)}</span>
          <span className="card-x-sub">{delivered ? `Delivered ${when(delivered)}` : ''}</span>
        </span>
        <span className="card-x-badges">
          <Badge tone={qcTone(q.qc.status)}>QC: {qcStatusName(q.qc.status)}</Badge>
        </span>
      </summary>
      {open && (
        <div className="card-x-body">
          <Fields
            className="fields-inline"
            rows={[
              [
                'Transfer ID',
                <span key="t" className="copy-and-link">
                  <CopyId value={q.transferId} label="transfer ID" />
                  <Link to={`?tab=deliveries&transfer=${encodeURIComponent(q.transferId)}`}>Show the delivery</Link>
                </span>,
              ],
              ['Last updated', when(updated)],
              ['Frame rate', `${q.qc.frameRate}${q.qc.dropFrame ? ' (drop frame)' : ''}`],
              ['FYIs', fyis ? String(fyis) : ''],
            ]}
          />
          {latest?.note && (
            <p className="qc-latest">
              <strong>{qcStatusName(latest.status)}:</strong> {latest.note} <span className="muted">({latest.byName || latest.by}, {when(latest.at)})</span>
            </p>
          )}
          <Events card={q} />
          <QCHistory card={q} />
          <Export transferId={q.transferId} />
        </div>
      )}
    </details>
  )
}

function Events({ card: q }: { card: QCCard }) {
  const glossary = useGlossary()
  const name = useActorName()
  const events = q.qc.events ?? []
  const signOffs = events.some((e) => e.signedOff)
  if (events.length === 0) {
    return <p className="muted">No QC events recorded{q.qc.status === 'PASSED' ? ': passed clean.' : ' yet.'}</p>
  }
  return (
    <div className="table-wrap" role="region" aria-label="QC events" tabIndex={0}>
      <table className="tbl" data-testid="qc-events">
        <caption className="sr-only">QC events</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Timecode in</th>
            <th scope="col">Timecode out</th>
            <th scope="col">Severity</th>
            <th scope="col">Category</th>
            <th scope="col">Note</th>
            {signOffs && <th scope="col">Signed off</th>}
            <th scope="col">Recorded</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.n} className={e.severity === 'BLOCKER' ? 'row-blocker' : e.severity === 'ISSUE' ? 'row-issue' : ''} data-severity={e.severity}>
              <td className="num">{e.n}</td>
              <td className="tc">
                <PlayAt requestId={q.requestId} transferId={q.transferId} timecode={e.in} frameRate={q.qc.frameRate} />
              </td>
              <td className="tc">
                <PlayAt requestId={q.requestId} transferId={q.transferId} timecode={e.out} frameRate={q.qc.frameRate} />
              </td>
              <td>
                <Badge tone={e.severity === 'BLOCKER' ? 'critical' : e.severity === 'ISSUE' ? 'risk' : 'muted'}>{severityName(e.severity)}</Badge>
              </td>
              <td className="category">
                {glossary?.get(e.category) ? <CategoryHelp code={e.category} /> : e.category}
              </td>
              <td className="note">{e.note}</td>
              {signOffs && <td>{e.signedOff ? 'Yes' : ''}</td>}
              <td className="nowrap">
                {e.byName || name(e.by)}
                <br />
                <time className="muted" dateTime={e.at}>
                  {when(e.at)}
                </time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function QCHistory({ card: q }: { card: QCCard }) {
  const timeline = q.qc.timeline ?? []
  if (timeline.length === 0) return null
  return (
    <details className="qc-history">
      <summary>QC status history ({timeline.length})</summary>
      <ol>
        {timeline.map((c, i) => (
          <li key={i}>
            <strong>{qcStatusName(c.status)}</strong> <span className="muted">{when(c.at)} · {c.byName || c.by}</span>
            {c.note && <span className="tl-note"> {c.note}</span>}
          </li>
        ))}
      </ol>
    </details>
  )
}

function Export({ transferId }: { transferId: string }) {
  const { auth } = useSession()
  const [busy, setBusy] = useState<string>()
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string }>()

  async function save(format: 'pdf' | 'csv') {
    setBusy(format)
    setMessage(undefined)
    try {
      const name = await downloadFile(
        auth,
        `/v1/transfers/${encodeURIComponent(transferId)}/qc/report?format=${format}`,
        `qc-${transferId}.${format}`,
      )
      setMessage({ tone: 'ok', text: `Saved ${name}` })
    } catch (e) {
      setMessage({ tone: 'error', text: `The report could not be exported: ${messageOf(e)}` })
    } finally {
      setBusy(undefined)
    }
  }

  return (
    <div className="card-x-actions" role="group" aria-label="Export QC report">
      <span className="export-label">Export QC report</span>
      <button type="button" className="btn btn-sm" onClick={() => void save('pdf')} disabled={!!busy} data-action="export-pdf">
        {busy === 'pdf' ? 'Exporting…' : 'PDF'}
      </button>
      <button type="button" className="btn btn-sm" onClick={() => void save('csv')} disabled={!!busy} data-action="export-csv">
        {busy === 'csv' ? 'Exporting…' : 'CSV'}
      </button>
      <span role="status" className={message?.tone === 'error' ? 'export-msg export-error' : 'export-msg'}>
        {message?.text}
      </span>
    </div>
  )
}
