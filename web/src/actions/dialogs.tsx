// The request action dialogs. Each takes a list of request IDs (one, from a
// request's page; many, from the dashboard's selection), calls the API's
// bulk endpoint (or one call per request where there is none) and shows
// each request's result. Choices (material statuses, service types, reasons
// for a date change) are the API's own, read from its document.
import { useEffect, useId, useMemo, useState } from 'react'
import { type EnumValue, enumOf } from '../lib/enums'
import type { BulkAnswer } from '../lib/requests'
import { messageOf, useSession } from '../session'
import { Notice, Spinner } from '../ui'
import { ActionDialog, type ActionDialogProps, eachRequest } from './ActionDialog'

/** The values of an enum of the API document, loaded once per dialog. */
function useEnum(schema: string, property: string): { values?: EnumValue[]; error?: string } {
  const { api } = useSession()
  const [state, setState] = useState<{ values?: EnumValue[]; error?: string }>({})
  useEffect(() => {
    let live = true
    enumOf(api, schema, property).then(
      (values) => live && setState({ values }),
      (e: unknown) => live && setState({ error: messageOf(e) }),
    )
    return () => {
      live = false
    }
  }, [api, schema, property])
  return state
}

function EnumSelect({ label, values, error, value, onChange, hint }: {
  label: string
  values?: EnumValue[] | undefined
  error?: string | undefined
  value: string
  onChange: (v: string) => void
  hint?: string
}) {
  const id = useId()
  if (error) return <Notice tone="danger" title={`${label}: the choices could not be read`}><p>{error}</p></Notice>
  if (!values) return <Spinner label={`Loading the choices of ${label}`} />
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} required onChange={(e) => onChange(e.target.value)} aria-describedby={hint ? `${id}-hint` : undefined}>
        <option value="" disabled>Choose…</option>
        {values.map((v) => <option key={v.code} value={v.code}>{v.name}</option>)}
      </select>
      {hint && <p id={`${id}-hint`} className="field-hint">{hint}</p>}
    </div>
  )
}

function TextField({ label, value, onChange, required, multiline, hint, maxLength, placeholder }: {
  label: string
  value: string
  onChange: (v: string) => void
  required?: boolean
  multiline?: boolean
  hint?: string
  maxLength?: number
  placeholder?: string
}) {
  const id = useId()
  const common = {
    id,
    value,
    required,
    maxLength,
    placeholder,
    'aria-describedby': hint ? `${id}-hint` : undefined,
  }
  return (
    <div className="field">
      <label htmlFor={id}>{label}{!required && <span className="field-optional"> (optional)</span>}</label>
      {multiline
        ? <textarea {...common} rows={3} onChange={(e) => onChange(e.target.value)} />
        : <input {...common} type="text" onChange={(e) => onChange(e.target.value)} />}
      {hint && <p id={`${id}-hint`} className="field-hint">{hint}</p>}
    </div>
  )
}

/** Sets the material status (with a reason) of the requests. */
export function MaterialStatusDialog(props: ActionDialogProps) {
  const { api } = useSession()
  const choices = useEnum('BulkMaterialStatusInputBody', 'materialStatus')
  const [status, setStatus] = useState('')
  const [reason, setReason] = useState('')
  const [comment, setComment] = useState('')
  return (
    <ActionDialog
      {...props}
      title="Edit material status"
      action="setMaterialStatus"
      verb="Set material status"
      done="Material status set"
      testId="dialog-material-status"
      canSubmit={!!status && !!reason.trim()}
      run={async () => (await api.post<BulkAnswer>('/v1/requests/material-status', {
        ids: props.ids, materialStatus: status, reason: reason.trim(), ...(comment.trim() ? { comment: comment.trim() } : {}),
      })).results}
    >
      <EnumSelect label="Material status" {...choices} value={status} onChange={setStatus} />
      <TextField label="Reason" value={reason} onChange={setReason} required maxLength={500} placeholder="e.g. proxy downloaded and reviewed" />
      <TextField label="Comment" value={comment} onChange={setComment} multiline maxLength={4000} />
    </ActionDialog>
  )
}

/** Marks the materials of the requests available, or takes the mark back (studio operators). */
export function MaterialsAvailableDialog(props: ActionDialogProps) {
  const { api } = useSession()
  const name = useId()
  const [available, setAvailable] = useState(true)
  const [comment, setComment] = useState('')
  return (
    <ActionDialog
      {...props}
      title="Materials available"
      action="setMaterialsAvailable"
      verb={available ? 'Mark available' : 'Take the mark back'}
      done={available ? 'Marked available' : 'Mark taken back'}
      testId="dialog-materials-available"
      canSubmit
      run={async () => (await api.post<BulkAnswer>('/v1/requests/materials-available', {
        ids: props.ids, available, ...(comment.trim() ? { comment: comment.trim() } : {}),
      })).results}
    >
      <fieldset className="field">
        <legend>The materials these requests need</legend>
        <label><input type="radio" name={name} checked={available} onChange={() => setAvailable(true)} /> are there to download</label>
        <label><input type="radio" name={name} checked={!available} onChange={() => setAvailable(false)} /> are not there yet (take the mark back)</label>
        <p className="field-hint">Puts open requests in Materials Available whatever the partner&apos;s material status.</p>
      </fieldset>
      <TextField label="Comment" value={comment} onChange={setComment} multiline maxLength={4000} />
    </ActionDialog>
  )
}

/** Sets the service type of the requests. */
export function ServiceTypeDialog(props: ActionDialogProps) {
  const { api } = useSession()
  const choices = useEnum('BulkServiceTypeRequest', 'serviceType')
  const [type, setType] = useState('')
  const [comment, setComment] = useState('')
  return (
    <ActionDialog
      {...props}
      title="Edit service type"
      action="setServiceType"
      verb="Set service type"
      done="Service type set"
      testId="dialog-service-type"
      canSubmit={!!type}
      run={async () => (await api.post<BulkAnswer>('/v1/requests/service-type', {
        ids: props.ids, serviceType: type, ...(comment.trim() ? { comment: comment.trim() } : {}),
      })).results}
    >
      <EnumSelect label="Service type" {...choices} value={type} onChange={setType} />
      <TextField label="Comment" value={comment} onChange={setComment} multiline maxLength={4000} />
    </ActionDialog>
  )
}

function timeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone')
  } catch {
    return ['UTC']
  }
}

/** Sets the estimated delivery date (day, time, time zone, reason) of the requests. */
export function EstimatedDeliveryDialog(props: ActionDialogProps) {
  const { api } = useSession()
  const reasons = useEnum('BulkEstimatedDeliveryDateRequest', 'reason')
  const here = useMemo(() => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', [])
  const zones = useMemo(() => {
    const all = timeZones()
    return all.includes(here) ? all : [here, ...all]
  }, [here])
  const [date, setDate] = useState('')
  const [time, setTime] = useState('17:00')
  const [zone, setZone] = useState(here)
  const [reason, setReason] = useState('')
  const [comment, setComment] = useState('')
  const dateId = useId()
  const timeId = useId()
  const zoneId = useId()
  return (
    <ActionDialog
      {...props}
      title="Edit estimated delivery date"
      action="setEstimatedDeliveryDate"
      verb="Set estimated delivery"
      done="Estimated delivery date set"
      testId="dialog-edd"
      canSubmit={!!date && /^\d{2}:\d{2}$/.test(time) && !!zone && !!reason}
      run={async () => (await api.post<BulkAnswer>('/v1/requests/estimated-delivery-date', {
        ids: props.ids, date, time, timeZone: zone, reason, ...(comment.trim() ? { comment: comment.trim() } : {}),
      })).results}
    >
      <div className="field-row">
        <div className="field">
          <label htmlFor={dateId}>Date</label>
          <input id={dateId} type="date" required value={date} onChange={(e) => setDate(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={timeId}>Time</label>
          <input id={timeId} type="time" required value={time} onChange={(e) => setTime(e.target.value)} />
        </div>
        <div className="field field-grow">
          <label htmlFor={zoneId}>Time zone</label>
          <select id={zoneId} required value={zone} onChange={(e) => setZone(e.target.value)}>
            {zones.map((z) => <option key={z} value={z}>{z.replace(/_/g, ' ')}</option>)}
          </select>
        </div>
      </div>
      <EnumSelect label="Reason" {...reasons} value={reason} onChange={setReason} />
      <TextField label="Comment" value={comment} onChange={setComment} multiline maxLength={4000} />
    </ActionDialog>
  )
}

/** Adds a comment to the requests. */
export function CommentDialog(props: ActionDialogProps) {
  const { api } = useSession()
  const [text, setText] = useState('')
  const id = useId()
  return (
    <ActionDialog
      {...props}
      title="Comment"
      action="comment"
      verb="Add comment"
      done="Comment added"
      testId="dialog-comment"
      canSubmit={!!text.trim()}
      run={async () => (await api.post<BulkAnswer>('/v1/requests/comments', { ids: props.ids, text: text.trim() })).results}
    >
      <div className="field">
        <label htmlFor={id}>Comment</label>
        <textarea id={id} rows={5} required maxLength={4000} value={text} onChange={(e) => setText(e.target.value)} />
      </div>
    </ActionDialog>
  )
}

/** Cancels the requests, or (uncancel) takes their cancellation back; one call per request, each with its result. */
export function CancelDialog(props: ActionDialogProps & { uncancel?: boolean }) {
  const { api } = useSession()
  const { uncancel = false } = props
  const [reason, setReason] = useState('')
  const [comment, setComment] = useState('')
  const path = uncancel ? 'uncancel' : 'cancel'
  return (
    <ActionDialog
      {...props}
      title={uncancel ? 'Uncancel' : 'Cancel requests'}
      action={uncancel ? 'uncancel' : 'cancel'}
      verb={uncancel ? 'Uncancel' : 'Cancel request'}
      done={uncancel ? 'Uncancelled' : 'Cancelled'}
      testId={uncancel ? 'dialog-uncancel' : 'dialog-cancel'}
      canSubmit={!!reason.trim()}
      run={() => eachRequest(props.ids, (id) => api.post(`/v1/requests/${encodeURIComponent(id)}/${path}`, {
        reason: reason.trim(), ...(comment.trim() ? { comment: comment.trim() } : {}),
      }))}
    >
      <TextField label="Reason" value={reason} onChange={setReason} required maxLength={500} />
      <TextField label="Comment" value={comment} onChange={setComment} multiline maxLength={4000} />
    </ActionDialog>
  )
}
