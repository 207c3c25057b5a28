// /qc/{transferId}: one delivery's QC. The delivered file plays on the
// left; on the right the QC's status and its actions (start, hold, fix
// notes, resume, finish, cancel: each offered, greyed or hidden by the
// API's `actions`), the form that adds an event at the playhead (in/out,
// severity, glossary category, note) and the events, whose timecodes seek
// the player and whose Issues may be signed off.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { Link, useParams } from 'react-router'
import { ApiError } from '../lib/api'
import { messageOf, useSession, useUser } from '../session'
import { Notice, Spinner, toast } from '../ui'
import { useGet } from '../details/data'
import { ActionButton, Badge, Dialog, offer } from '../details/parts'
import { day, languageName, qcStatusName, severityName, sourceTypeName, when } from '../details/format'
import { qcTone } from '../details/status'
import type { QCActionKey, QCEvent } from '../details/types'
import { NotFound } from '../pages/NotFound'
import { Player, type PlayerHandle } from '../player/Player'
import { parseTimecode, timecode } from '../player/timecode'
import { useGlossaryList } from './glossary'
import { deliveryVideo, type DeliveryVideo } from './media'
import type { QCQueueCard } from './types'
import '../details/details.css'
import './qc.css'

/** The QC actions that only change the status, as the API's paths name them. */
const moves: { key: QCActionKey; path: string; label: string; note?: 'required'; primary?: boolean; danger?: boolean }[] = [
  { key: 'start', path: 'start', label: 'Start QC', primary: true },
  { key: 'resume', path: 'resume', label: 'Resume', primary: true },
  { key: 'hold', path: 'hold', label: 'Hold' },
  { key: 'fixNotes', path: 'fix-notes', label: 'Fix notes needed', note: 'required' },
  { key: 'finish', path: 'finish', label: 'Finish QC', primary: true },
  { key: 'cancel', path: 'cancel', label: 'Cancel QC', note: 'required', danger: true },
]

export function QCPage() {
  const { transferId = '' } = useParams()
  const { api } = useSession()
  const user = useUser()
  const card = useGet<QCQueueCard>(`/v1/transfers/${encodeURIComponent(transferId)}/qc`)
  const player = useRef<PlayerHandle>(null)
  const [now, setNow] = useState(0)
  const [video, setVideo] = useState<DeliveryVideo>()
  const [videoError, setVideoError] = useState<string>()
  const [busy, setBusy] = useState<string>()
  const [asking, setAsking] = useState<(typeof moves)[number]>()
  const c = card.data?.transferId === transferId ? card.data : undefined
  const requestId = c?.request.id
  // Who is who: events and the timeline carry a person's opaque ID; the request's history names them.
  const history = useGet<{ entries: { actor: string; actorName?: string }[] | null }>(requestId ? `/v1/requests/${encodeURIComponent(requestId)}/history` : undefined)
  const names = new Map((history.data?.entries ?? []).filter((e) => e.actorName).map((e) => [e.actor, e.actorName!]))
  const nameOf = (id: string) => names.get(id) ?? (id === user?.subject ? user.name : id)

  // The delivered file, once the card says which request it belongs to.
  useEffect(() => {
    if (!requestId) return
    const ctl = new AbortController()
    setVideo(undefined)
    setVideoError(undefined)
    deliveryVideo(api, requestId, transferId, ctl.signal).then(
      (v) => !ctl.signal.aborted && setVideo(v),
      (e: unknown) => !ctl.signal.aborted && setVideoError(messageOf(e)),
    )
    return () => ctl.abort()
  }, [api, requestId, transferId])

  if (card.error && card.error instanceof ApiError && card.error.code === 'not_found') return <NotFound what="QC" />
  if (card.error && !c) {
    return (
      <section className="rq ops">
        <title>QC · openlot</title>
        <Notice tone="danger" title="The QC could not be loaded">
          <p>{messageOf(card.error)}</p>
          <button type="button" className="btn" onClick={card.reload}>Try again</button>
        </Notice>
      </section>
    )
  }
  if (!c) {
    return (
      <section className="rq ops rq-loading">
        <Spinner label="Loading the QC" />
      </section>
    )
  }

  const fps = c.qc.frameRate || 24
  const act = async (m: (typeof moves)[number], note?: string) => {
    setBusy(m.key)
    try {
      const out = await api.post<QCQueueCard>(`/v1/transfers/${encodeURIComponent(transferId)}/qc/${m.path}`, note ? { note } : {})
      toast(`QC is ${qcStatusName(out.qc.status)}.`)
      setAsking(undefined)
      card.reload()
    } catch (e) {
      toast(`${m.label}: ${messageOf(e)}`, 'danger')
      throw e
    } finally {
      setBusy(undefined)
    }
  }
  const seek = (tc: string) => {
    const s = parseTimecode(tc, fps)
    if (s !== undefined) player.current?.seek(s)
  }
  const r = c.request
  const latest = c.qc.timeline?.[c.qc.timeline.length - 1]

  return (
    <article className="rq ops qc-page" aria-labelledby="qc-page-title" data-testid="qc-page" data-status={c.qc.status}>
      <title>{`QC · ${r.title} · ${qcStatusName(c.qc.status)} · openlot`}</title>
      <header className="qc-page-head">
        <div>
          <p className="eyebrow">
            <Link to="/qc">QC queue</Link> · {[sourceTypeName(r.sourceType), languageName(r.language)].filter(Boolean).join(' · ')}
          </p>
          <div className="rq-title-row">
            <h1 id="qc-page-title">{r.title}</h1>
            <Badge tone={qcTone(c.qc.status)}>
              <span className="sr-only">QC status: </span>
              <span data-testid="qc-status">{qcStatusName(c.qc.status)}</span>
            </Badge>
          </div>
          <p className="muted qc-page-facts">
            {c.files?.join(', ')} · {fps} fps{c.qc.dropFrame ? ' drop frame' : ''} · due {day(r.dueDate)} ·{' '}
            <Link to={`/requests/${encodeURIComponent(r.id)}?tab=qc&transfer=${encodeURIComponent(transferId)}`}>Request details</Link>
          </p>
        </div>
        <div className="rq-actions" role="group" aria-label="QC actions" data-testid="qc-actions">
          {moves.map((m) => (
            <ActionButton
              key={m.key}
              action={c.actions[m.key]}
              label={busy === m.key ? 'Saving…' : m.label}
              primary={m.primary}
              testId={`qc-${m.key}`}
              onClick={() => (m.note ? setAsking(m) : void act(m).catch(() => undefined))}
            />
          ))}
        </div>
      </header>
      {latest?.note && (
        <p className="qc-latest">
          <strong>{qcStatusName(latest.status)}:</strong> {latest.note} <span className="muted">({latest.byName || nameOf(latest.by)}, {when(latest.at)})</span>
        </p>
      )}
      <div className="qc-work">
        <section className="qc-screen" aria-label="Delivered file">
          {video ? (
            <Player ref={player} src={video.url} frameRate={fps} title={video.fileName} onTime={setNow} />
          ) : videoError ? (
            <div className="qc-screen-wait qc-screen-none" role="status">
              <p>
                <strong>The delivered file cannot be played here.</strong>
                <br />
                {videoError}
              </p>
            </div>
          ) : (
            <div className="qc-screen-wait">
              <Spinner label="Loading the delivered file" />
            </div>
          )}
        </section>
        <aside className="qc-side">
          <AddEvent
            transferId={transferId}
            allowed={c.actions.addEvent}
            now={timecode(now, fps)}
            fps={fps}
            onAdded={card.reload}
          />
        </aside>
      </div>
      <Events
        events={c.qc.events ?? []}
        signOff={c.actions.signOff}
        transferId={transferId}
        nameOf={nameOf}
        onSeek={seek}
        onChanged={card.reload}
      />
      {asking && (
        <NoteDialog
          title={asking.label}
          danger={asking.danger}
          busy={busy === asking.key}
          onClose={() => setAsking(undefined)}
          onSubmit={(note) => act(asking, note)}
        />
      )}
    </article>
  )
}

interface AddEventProps {
  transferId: string
  allowed: { allowed: boolean; code?: string; reason?: string } | undefined
  now: string
  fps: number
  onAdded: () => void
}

/** Adds a QC event: in and out timecodes (the playhead with one press), severity, category, note. */
function AddEvent({ transferId, allowed, now, fps, onAdded }: AddEventProps) {
  const { api } = useSession()
  const glossary = useGlossaryList()
  const [tcIn, setIn] = useState('')
  const [tcOut, setOut] = useState('')
  const [severity, setSeverity] = useState('ISSUE')
  const [category, setCategory] = useState('')
  const [note, setNote] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const ids = { in: useId(), out: useId(), cat: useId(), note: useId() }
  const state = offer(allowed)
  // I and O mark in and out at the playhead, as in an editing suite (not while typing).
  const nowRef = useRef(now)
  nowRef.current = now
  useEffect(() => {
    if (state !== 'offered') return
    const key = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null
      if (e.ctrlKey || e.metaKey || e.altKey || t?.closest('input, textarea, select, [contenteditable]')) return
      if (e.key === 'i' || e.key === 'I') setIn(nowRef.current)
      else if (e.key === 'o' || e.key === 'O') setOut(nowRef.current)
    }
    window.addEventListener('keydown', key)
    return () => window.removeEventListener('keydown', key)
  }, [state])
  if (state === 'hidden') return null
  const greyed = state === 'greyed'

  async function add(e: FormEvent) {
    e.preventDefault()
    if (greyed) return
    const i = tcIn || now
    const o = tcOut || i
    if (parseTimecode(i, fps) === undefined || parseTimecode(o, fps) === undefined) {
      setError('Timecodes are HH:MM:SS:FF.')
      return
    }
    if (!category) {
      setError('Choose a category.')
      return
    }
    setBusy(true)
    setError(undefined)
    try {
      const ev = await api.post<QCEvent>(`/v1/transfers/${encodeURIComponent(transferId)}/qc/events`, { in: i, out: o, severity, category, note: note.trim() })
      toast(`Event ${ev.n} added: ${severityName(ev.severity)} at ${ev.in}.`)
      setIn('')
      setOut('')
      setNote('')
      onAdded()
    } catch (err) {
      setError(messageOf(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="qc-add" onSubmit={(e) => void add(e)} noValidate aria-labelledby={`${ids.in}-title`} data-testid="qc-add-event">
      <h2 id={`${ids.in}-title`} className="section-title">Add an event</h2>
      {!greyed && <p className="muted qc-add-why">Press I and O to mark in and out at the playhead.</p>}
      {greyed && allowed?.reason && <p className="muted qc-add-why">{allowed.reason.charAt(0).toUpperCase() + allowed.reason.slice(1)}.</p>}
      <div className="qc-tc-row">
        <div className="qc-tc">
          <label htmlFor={ids.in}>In</label>
          <div className="qc-tc-input">
            <input id={ids.in} type="text" inputMode="numeric" placeholder={now} value={tcIn} onChange={(e) => setIn(e.target.value)} disabled={greyed} />
            <button type="button" className="btn btn-sm" onClick={() => setIn(now)} disabled={greyed} aria-label="Mark in at the playhead">
              Mark in
            </button>
          </div>
        </div>
        <div className="qc-tc">
          <label htmlFor={ids.out}>Out</label>
          <div className="qc-tc-input">
            <input id={ids.out} type="text" inputMode="numeric" placeholder={tcIn || now} value={tcOut} onChange={(e) => setOut(e.target.value)} disabled={greyed} />
            <button type="button" className="btn btn-sm" onClick={() => setOut(now)} disabled={greyed} aria-label="Mark out at the playhead">
              Mark out
            </button>
          </div>
        </div>
      </div>
      <fieldset className="segmented qc-severity" disabled={greyed}>
        <legend className="qc-legend">Severity</legend>
        {(['FYI', 'ISSUE', 'BLOCKER'] as const).map((s) => (
          <label key={s} className={`segment segment-${s.toLowerCase()}`}>
            <input type="radio" name="severity" value={s} checked={severity === s} onChange={() => setSeverity(s)} />
            <span>{severityName(s)}</span>
          </label>
        ))}
      </fieldset>
      <div className="qc-field">
        <label htmlFor={ids.cat}>Category</label>
        <select id={ids.cat} value={category} onChange={(e) => setCategory(e.target.value)} disabled={greyed} aria-invalid={error === 'Choose a category.'}>
          <option value="">Choose…</option>
          {glossary?.map((g) => (
            <option key={g.code} value={g.code}>
              {g.code} {g.name}
            </option>
          ))}
        </select>
      </div>
      <div className="qc-field">
        <label htmlFor={ids.note}>Note</label>
        <textarea id={ids.note} rows={3} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} disabled={greyed} />
      </div>
      {error && <p className="field-error" role="alert">{error}</p>}
      <button type="submit" className="btn btn-primary" disabled={busy || greyed} data-action="add-event">
        {busy ? 'Adding…' : `Add event at ${tcIn || now}`}
      </button>
    </form>
  )
}

interface EventsProps {
  events: QCEvent[]
  signOff: { allowed: boolean; code?: string; reason?: string } | undefined
  transferId: string
  nameOf: (id: string) => string
  onSeek: (tc: string) => void
  onChanged: () => void
}

function Events({ events, signOff, transferId, nameOf, onSeek, onChanged }: EventsProps) {
  const { api } = useSession()
  const glossary = useGlossaryList()
  const names = new Map((glossary ?? []).map((g) => [g.code, g.name]))
  const [busy, setBusy] = useState<number>()

  async function sign(n: number) {
    setBusy(n)
    try {
      await api.post(`/v1/transfers/${encodeURIComponent(transferId)}/qc/events/${n}/sign-off`, undefined)
      toast(`Event ${n} signed off.`)
      onChanged()
    } catch (e) {
      toast(`Sign off: ${messageOf(e)}`, 'danger')
    } finally {
      setBusy(undefined)
    }
  }

  return (
    <section className="qc-events" aria-labelledby="qc-events-title">
      <h2 id="qc-events-title" className="section-title">Events ({events.length})</h2>
      {events.length === 0 ? (
        <p className="muted">No events yet. Play the file, and add one where something is wrong.</p>
      ) : (
        <div className="table-wrap" role="region" aria-label="QC events" tabIndex={0}>
          <table className="tbl" data-testid="qc-events">
            <thead>
              <tr>
                <th scope="col" className="num">#</th>
                <th scope="col">In</th>
                <th scope="col">Out</th>
                <th scope="col">Severity</th>
                <th scope="col">Category</th>
                <th scope="col">Note</th>
                <th scope="col">Recorded</th>
                <th scope="col"><span className="sr-only">Sign off</span></th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.n} className={e.severity === 'BLOCKER' ? 'row-blocker' : e.severity === 'ISSUE' ? 'row-issue' : ''} data-severity={e.severity}>
                  <td className="num">{e.n}</td>
                  <td className="tc">
                    <button type="button" className="btn-link tc-link" onClick={() => onSeek(e.in)} aria-label={`Play from ${e.in}`}>{e.in}</button>
                  </td>
                  <td className="tc">
                    <button type="button" className="btn-link tc-link" onClick={() => onSeek(e.out)} aria-label={`Play from ${e.out}`}>{e.out}</button>
                  </td>
                  <td>
                    <Badge tone={e.severity === 'BLOCKER' ? 'critical' : e.severity === 'ISSUE' ? 'risk' : 'muted'}>{severityName(e.severity)}</Badge>
                    {e.signedOff && <span className="muted"> signed off</span>}
                  </td>
                  <td className="category">
                    {e.category}
                    {names.get(e.category) && <span className="muted"> {names.get(e.category)}</span>}
                  </td>
                  <td className="note">{e.note}</td>
                  <td className="nowrap">
                    {e.byName || nameOf(e.by)}
                    <br />
                    <time className="muted" dateTime={e.at}>{when(e.at)}</time>
                  </td>
                  <td>
                    {e.severity === 'ISSUE' && !e.signedOff && (
                      <ActionButton
                        action={signOff}
                        label={busy === e.n ? 'Signing off…' : 'Sign off'}
                        onClick={() => void sign(e.n)}
                        testId="sign-off"
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

interface NoteDialogProps {
  title: string
  danger?: boolean | undefined
  busy: boolean
  onClose: () => void
  onSubmit: (note: string) => Promise<void>
}

/** Asks for the note fix-notes and cancel need. */
function NoteDialog({ title, danger, busy, onClose, onSubmit }: NoteDialogProps) {
  const [note, setNote] = useState('')
  const [error, setError] = useState<string>()
  const id = useId()
  return (
    <Dialog title={title} onClose={onClose} testId="qc-note-dialog">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          if (!note.trim()) {
            setError('Please write a note.')
            return
          }
          onSubmit(note.trim()).catch((err: unknown) => setError(messageOf(err)))
        }}
      >
        <div className="form-row">
          <label htmlFor={id}>Note for the partner and the studio</label>
          <textarea id={id} rows={4} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} aria-invalid={!!error} autoFocus />
        </div>
        {error && (
          <Notice tone="danger" title="Not done">
            <p>{error}</p>
          </Notice>
        )}
        <div className="dlg-actions">
          <button type="button" className="btn" onClick={onClose} disabled={busy}>Cancel</button>
          <button type="submit" className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`} disabled={busy}>
            {busy ? 'Saving…' : title}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
