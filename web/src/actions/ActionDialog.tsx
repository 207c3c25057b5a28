// The frame every request action dialog shares: a form for one or many
// request IDs, a warning naming the requests the API already said it will
// refuse (with its reasons), the call, then each request's own result (a
// refused one names its reason; the others still succeed).
import { useId, useState, type FormEvent, type ReactNode } from 'react'
import { ApiError } from '../lib/api'
import { type ActionName, type Actions, type BulkResult, actionView } from '../lib/requests'
import { messageOf } from '../session'
import { Dialog, Icon, Notice } from '../ui'

/** What the opener knows of a request: its title (for the results) and its actions (for the warning). */
export interface KnownRequest {
  title?: string | undefined
  /** What tells requests of one title apart, e.g. "Subtitle · Spanish". */
  detail?: string | undefined
  actions?: Actions | undefined
}

/** The props every action dialog takes: the requests, and what to do when it closes or has run. */
export interface ActionDialogProps {
  ids: string[]
  known?: Record<string, KnownRequest>
  onClose: () => void
  /** Called once the action ran, with each request's result (also shown in the dialog). */
  onDone?: (results: BulkResult[]) => void
}

interface FrameProps extends ActionDialogProps {
  title: string
  action: ActionName
  /** The submit button's text, e.g. "Set material status". */
  verb: string
  /** What success says of one request, e.g. "Material status set". */
  done: string
  canSubmit: boolean
  run: () => Promise<BulkResult[]>
  children: ReactNode
  testId?: string
}

export function requestLabel(id: string, known?: Record<string, KnownRequest>): string {
  return known?.[id]?.title || id
}

function Detail({ id, known }: { id: string; known?: Record<string, KnownRequest> | undefined }) {
  const d = known?.[id]?.detail
  return d ? <span className="result-detail"> · {d}</span> : null
}

function count(n: number, one: string, many = `${one}s`) {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`
}

export function ActionDialog(props: FrameProps) {
  const { ids, known, onClose, onDone, title, action, verb, done, canSubmit, run, children, testId } = props
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const [results, setResults] = useState<BulkResult[]>()
  const formId = useId()

  const refused = ids.flatMap((id) => {
    const v = actionView(known?.[id]?.actions?.[action])
    return v.enabled ? [] : [{ id, reason: v.reason ?? 'not allowed' }]
  })

  async function submit(e: FormEvent) {
    e.preventDefault()
    if (busy || !canSubmit) return
    setBusy(true)
    setError(undefined)
    try {
      const res = await run()
      setResults(res)
      onDone?.(res)
    } catch (err) {
      setError(err instanceof ApiError ? err.message : messageOf(err))
    } finally {
      setBusy(false)
    }
  }

  if (results) {
    const ok = results.filter((r) => r.ok).length
    const failed = results.length - ok
    return (
      <Dialog title={title} onClose={onClose} wide testId={testId} footer={
        <button type="button" className="btn btn-primary" onClick={onClose} autoFocus>Done</button>
      }>
        <p className="results-summary" role="status" data-testid="bulk-summary">
          {ok > 0 && <span className="results-ok">{done}: {count(ok, 'request')}.</span>}{' '}
          {failed > 0 && <span className="results-failed">{count(failed, 'request')} refused.</span>}
        </p>
        <ul className="results" aria-label="Result for each request">
          {[...results].sort((a, b) => Number(a.ok) - Number(b.ok)).map((r) => (
            <li key={r.id} className={`result ${r.ok ? 'result-ok' : 'result-failed'}`} data-testid="bulk-result" data-ok={r.ok} data-id={r.id}>
              <Icon name={r.ok ? 'check' : 'alert'} />
              <span className="result-what">
                <span className="result-title">{requestLabel(r.id, known)}<Detail id={r.id} known={known} /></span>
                <span className="result-message">{r.ok ? done : r.message || r.code || 'refused'}</span>
              </span>
            </li>
          ))}
        </ul>
      </Dialog>
    )
  }

  return (
    <Dialog title={title} onClose={onClose} busy={busy} testId={testId} footer={
      <>
        <button type="button" className="btn" onClick={onClose} disabled={busy}>Close</button>
        <button type="submit" form={formId} className="btn btn-primary" disabled={busy || !canSubmit}>
          {busy ? 'Working…' : ids.length === 1 ? verb : `${verb} for ${count(ids.length, 'request')}`}
        </button>
      </>
    }>
      <form id={formId} className="form" onSubmit={(e) => void submit(e)}>
        {ids.length > 1 && <p className="muted form-about">{count(ids.length, 'request')} selected.</p>}
        {ids.length === 1 && known?.[ids[0]!]?.title && <p className="muted form-about">{known[ids[0]!]!.title}<Detail id={ids[0]!} known={known} /></p>}
        {refused.length > 0 && (
          <Notice tone="warning" title={ids.length === 1 ? 'This request will refuse it' : `${count(refused.length, 'request')} of ${ids.length} will refuse it`}>
            <ul className="refused-list">
              {refused.slice(0, 5).map((r) => (
                <li key={r.id}><strong>{requestLabel(r.id, known)}</strong><Detail id={r.id} known={known} />: {r.reason}</li>
              ))}
              {refused.length > 5 && <li>and {count(refused.length - 5, 'more request')}</li>}
            </ul>
            {refused.length < ids.length && <p>The others are changed; each request gets its own result.</p>}
          </Notice>
        )}
        {error && <Notice tone="danger" title="Nothing was changed"><p>{error}</p></Notice>}
        {children}
      </form>
    </Dialog>
  )
}

/**
 * Runs one call per ID (for actions without a bulk endpoint), a few at a
 * time, and answers a result per ID as the bulk endpoints do.
 */
export async function eachRequest(ids: string[], call: (id: string) => Promise<unknown>, parallel = 4): Promise<BulkResult[]> {
  const results: BulkResult[] = new Array(ids.length)
  let next = 0
  async function worker() {
    while (next < ids.length) {
      const i = next++
      const id = ids[i]!
      try {
        await call(id)
        results[i] = { id, ok: true }
      } catch (e) {
        if (e instanceof ApiError) results[i] = { id, ok: false, code: e.code, message: e.message }
        else throw e
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, ids.length) }, worker))
  return results
}
