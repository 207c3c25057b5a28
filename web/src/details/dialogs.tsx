// The details page's own dialogs: subassign a request, and the decisions on
// a delivery (override, verify, reject, ignore) or a request (redelivery),
// each POSTed as the API takes it; a refusal is shown in the dialog.
import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react'
import { messageOf, useSession } from '../session'
import { Notice, Spinner } from '../ui'
import { Dialog } from './parts'
import { sourceTypeName } from './format'
import type { SourceRequest, Subassignees } from './types'

interface DecisionProps {
  title: string
  /** The POST that takes the decision, e.g. /v1/transfers/{id}/override. */
  path: string
  submit: string
  /** Whether a reason must be given, may be, or is not taken (the API's input body says which). */
  reason: 'required' | 'optional' | 'none'
  reasonLabel?: string
  /** Also send a comment field (requests' ReasonInputBody takes one). */
  withComment?: boolean
  danger?: boolean
  intro?: ReactNode
  onClose: (changed: boolean) => void
  testId?: string
}

/** A decision with a reason: POST path {reason[, comment]}. */
export function DecisionDialog(p: DecisionProps) {
  const { api } = useSession()
  const [reason, setReason] = useState('')
  const [comment, setComment] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const reasonId = useId()
  const commentId = useId()

  async function send(e: FormEvent) {
    e.preventDefault()
    if (p.reason === 'required' && !reason.trim()) {
      setError('Please give a reason.')
      return
    }
    setBusy(true)
    setError(undefined)
    try {
      const body: Record<string, string> = {}
      if (reason.trim()) body.reason = reason.trim()
      if (p.withComment && comment.trim()) body.comment = comment.trim()
      await api.post(p.path, p.reason === 'none' && !p.withComment ? undefined : body)
      p.onClose(true)
    } catch (err) {
      setError(messageOf(err))
      setBusy(false)
    }
  }

  return (
    <Dialog title={p.title} onClose={() => p.onClose(false)} testId={p.testId}>
      <form onSubmit={(e) => void send(e)} noValidate>
        {p.intro}
        {p.reason !== 'none' && (
          <div className="form-row">
            <label htmlFor={reasonId}>
              {p.reasonLabel ?? 'Reason'}
              {p.reason === 'required' ? '' : ' (optional)'}
            </label>
            <textarea
              id={reasonId}
              rows={4}
              maxLength={500}
              required={p.reason === 'required'}
              aria-invalid={!!error && p.reason === 'required' && !reason.trim()}
              value={reason}
              onChange={(e) => {
                setReason(e.target.value)
                setError(undefined)
              }}
              autoFocus
            />
          </div>
        )}
        {p.withComment && (
          <div className="form-row">
            <label htmlFor={commentId}>Comment (optional)</label>
            <textarea id={commentId} rows={3} maxLength={4000} value={comment} onChange={(e) => setComment(e.target.value)} />
          </div>
        )}
        {error && (
          <Notice tone="danger" title="Not done">
            <p>{error}</p>
          </Notice>
        )}
        <div className="dlg-actions">
          <button type="button" className="btn" onClick={() => p.onClose(false)} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className={`btn ${p.danger ? 'btn-danger' : 'btn-primary'}`} disabled={busy}>
            {busy ? 'Saving…' : p.submit}
          </button>
        </div>
      </form>
    </Dialog>
  )
}

/** Subassign the request to one of the partners GET /v1/requests/{id}/subassignees offers. */
export function SubassignDialog({ requestId, onClose }: { requestId: string; onClose: (changed: boolean) => void }) {
  const { api } = useSession()
  const [targets, setTargets] = useState<Subassignees>()
  const [loadError, setLoadError] = useState<string>()
  const [partner, setPartner] = useState('')
  const [comment, setComment] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const commentId = useId()
  const groupId = useId()

  useEffect(() => {
    const ctl = new AbortController()
    api.get<Subassignees>(`/v1/requests/${encodeURIComponent(requestId)}/subassignees`, undefined, ctl.signal).then(
      (t) => {
        setTargets(t)
        setPartner(t.partners?.find((x) => x.current)?.id ?? '')
      },
      (e: unknown) => !ctl.signal.aborted && setLoadError(messageOf(e)),
    )
    return () => ctl.abort()
  }, [api, requestId])

  async function send(e: FormEvent) {
    e.preventDefault()
    if (!partner) {
      setError('Choose a partner.')
      return
    }
    setBusy(true)
    setError(undefined)
    try {
      const body: Record<string, string> = { partner }
      if (comment.trim()) body.comment = comment.trim()
      await api.post(`/v1/requests/${encodeURIComponent(requestId)}/subassign`, body)
      onClose(true)
    } catch (err) {
      setError(messageOf(err))
      setBusy(false)
    }
  }

  const partners = targets?.partners ?? []
  const current = partners.find((x) => x.current)
  return (
    <Dialog title="Subassign partner" onClose={() => onClose(false)} testId="subassign-dialog">
      {loadError && (
        <Notice tone="danger" title="The partners could not be loaded">
          <p>{loadError}</p>
        </Notice>
      )}
      {!targets && !loadError && <Spinner label="Loading the partners" />}
      {targets && !targets.subassign.allowed && (
        <Notice tone="warning" title="This request cannot be subassigned now">
          <p>{targets.subassign.reason}</p>
        </Notice>
      )}
      {targets && targets.subassign.allowed && (
        <form onSubmit={(e) => void send(e)} noValidate>
          <p className="muted">
            The partner you choose does the work; you stay the fulfillment partner of record and deliver the file
            under your account.
          </p>
          {partners.length === 0 ? (
            <p>No approved partner to subassign to.</p>
          ) : (
            <fieldset className="choice-list" aria-describedby={groupId}>
              <legend>Approved partner</legend>
              <span id={groupId} className="sr-only">
                {current ? `Now subassigned to ${current.name}.` : 'Not subassigned now.'}
              </span>
              {partners.map((x) => (
                <label key={x.id} className="choice">
                  <input type="radio" name="partner" value={x.id} checked={partner === x.id} onChange={() => setPartner(x.id)} />
                  <span>{x.name}</span>
                  {x.current && <span className="muted"> (current)</span>}
                </label>
              ))}
            </fieldset>
          )}
          <div className="form-row">
            <label htmlFor={commentId}>Comment (optional)</label>
            <textarea id={commentId} rows={3} maxLength={4000} value={comment} onChange={(e) => setComment(e.target.value)} />
          </div>
          {error && (
            <Notice tone="danger" title="Not subassigned">
              <p>{error}</p>
            </Notice>
          )}
          <div className="dlg-actions">
            <button type="button" className="btn" onClick={() => onClose(false)} disabled={busy}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" disabled={busy || partners.length === 0}>
              {busy ? 'Saving…' : 'Subassign'}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  )
}

const sourceTypeCodes = [
  'AV_MUXED', 'SECONDARY_AV_MUXED', 'IMF', 'AUDIO_PRINT_MASTER', 'AUDIO_ME', 'SECONDARY_AUDIO', 'AUDIO_DESCRIPTION',
  'SUBTITLE', 'SDH_CC', 'FORCED_SUB', 'FINAL_SCRIPT', 'DUB_CARD_IMAGE', 'PRODUCTION_LOCKED_PROXY', 'NON_IMF_DELIVERY',
]

interface UpgradeProps {
  request: SourceRequest
  onClose: (changed: boolean, newRequest?: string) => void
}

/** Studio operators: mark the request Upgraded and create the one for the better version. */
export function UpgradeDialog({ request, onClose }: UpgradeProps) {
  const { api } = useSession()
  const [sourceType, setSourceType] = useState(request.sourceType)
  const [dueDate, setDueDate] = useState(request.dueDate)
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const ids = { type: useId(), due: useId(), reason: useId() }

  async function send(e: FormEvent) {
    e.preventDefault()
    if (!reason.trim()) {
      setError('Please give a reason.')
      return
    }
    setBusy(true)
    setError(undefined)
    try {
      const body: Record<string, string> = { reason: reason.trim() }
      if (sourceType !== request.sourceType) body.sourceType = sourceType
      if (dueDate && dueDate !== request.dueDate) body.dueDate = dueDate
      const out = await api.post<{ created?: { id?: string } }>(`/v1/requests/${encodeURIComponent(request.id)}/upgrade`, body)
      onClose(true, out?.created?.id)
    } catch (err) {
      setError(messageOf(err))
      setBusy(false)
    }
  }

  return (
    <Dialog title="Upgrade request" onClose={() => onClose(false)} testId="upgrade-dialog">
      <form onSubmit={(e) => void send(e)} noValidate>
        <p className="muted">This request becomes Upgraded and a new request asks for the better version.</p>
        <div className="form-row">
          <label htmlFor={ids.type}>Source type of the new request</label>
          <select id={ids.type} value={sourceType} onChange={(e) => setSourceType(e.target.value)}>
            {sourceTypeCodes.map((c) => (
              <option key={c} value={c}>
                {sourceTypeName(c)}
              </option>
            ))}
          </select>
        </div>
        <div className="form-row">
          <label htmlFor={ids.due}>Due date of the new request</label>
          <input id={ids.due} type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} />
        </div>
        <div className="form-row">
          <label htmlFor={ids.reason}>Reason</label>
          <textarea id={ids.reason} rows={3} maxLength={500} required value={reason} onChange={(e) => setReason(e.target.value)} />
        </div>
        {error && (
          <Notice tone="danger" title="Not upgraded">
            <p>{error}</p>
          </Notice>
        )}
        <div className="dlg-actions">
          <button type="button" className="btn" onClick={() => onClose(false)} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Upgrade'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
