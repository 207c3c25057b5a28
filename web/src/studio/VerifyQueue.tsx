// The verification queue: deliveries whose inspection errors the partner
// overrode, waiting for the studio (GET /v1/overrides, newest first, a page
// at a time): the errors, the partner's reason, and Verify / Reject as each
// delivery's `actions` allow.
import { useEffect, useState } from 'react'
import { Link } from 'react-router'
import { messageOf, useSession } from '../session'
import { Notice, Spinner, toast } from '../ui'
import { usePartnerNames } from '../details/data'
import { DecisionDialog } from '../details/dialogs'
import { day, languageName, sourceTypeName, when } from '../details/format'
import { ActionButton, Badge } from '../details/parts'
import { transferName } from '../details/status'
import type { Transfer } from '../details/types'
import type { QCRequest } from '../qc/types'

interface Item extends Transfer {
  request: QCRequest
}

interface Overrides {
  transfers: Item[] | null
  next: string
}

const pageSize = 50

export function VerifyQueue() {
  const { api } = useSession()
  const partners = usePartnerNames()
  const [items, setItems] = useState<Item[]>()
  const [next, setNext] = useState('')
  const [more, setMore] = useState(false)
  const [error, setError] = useState<unknown>()
  const [round, setRound] = useState(0)
  const [open, setOpen] = useState<{ kind: 'verify' | 'reject'; item: Item }>()

  useEffect(() => {
    const c = new AbortController()
    setError(undefined)
    api.get<Overrides>('/v1/overrides', { limit: pageSize }, c.signal).then(
      (o) => {
        setItems(o.transfers ?? [])
        setNext(o.next)
      },
      (e: unknown) => !c.signal.aborted && setError(e),
    )
    return () => c.abort()
  }, [api, round])

  async function showMore() {
    setMore(true)
    try {
      const o = await api.get<Overrides>('/v1/overrides', { limit: pageSize, cursor: next })
      setItems((i) => [...(i ?? []), ...(o.transfers ?? [])])
      setNext(o.next)
    } catch (e) {
      setError(e)
    } finally {
      setMore(false)
    }
  }

  if (error) {
    return (
      <Notice tone="danger" title="The verification queue could not be loaded">
        <p>{messageOf(error)}</p>
        <button type="button" className="btn" onClick={() => setRound((n) => n + 1)}>Try again</button>
      </Notice>
    )
  }
  if (!items) return <Spinner label="Loading the verification queue" />
  if (items.length === 0) {
    return (
      <div className="empty" data-testid="verify-empty">
        <h2>Nothing to verify</h2>
        <p className="muted">When a partner overrides an inspection error, the delivery waits here for the studio.</p>
      </div>
    )
  }
  return (
    <>
      <div className="ops-toolbar">
        <p className="muted" role="status">
          {items.length} overridden {items.length === 1 ? 'delivery waits' : 'deliveries wait'} for the studio{next ? ' (more below)' : ''}, newest delivery first.
        </p>
        <button type="button" className="btn btn-sm" onClick={() => setRound((n) => n + 1)}>Refresh</button>
      </div>
      <div className="table-wrap" role="region" aria-label="Overridden deliveries" tabIndex={0}>
        <table className="tbl ops-table" data-testid="verify-table">
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Asset</th>
              <th scope="col">Partner</th>
              <th scope="col">Due</th>
              <th scope="col">Errors overridden</th>
              <th scope="col">Partner's reason</th>
              <th scope="col"><span className="sr-only">Decision</span></th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => {
              const t = item
              const r = item.request
              const ov = [...(t.timeline ?? [])].reverse().find((x) => x.status === 'OVERRIDDEN')
              const codes = [...new Set((t.inspection?.findings ?? []).map((f) => f.code))]
              return (
                <tr key={t.id} data-testid="verify-row" data-request={r.id} data-transfer={t.id}>
                  <td>
                    <Link className="ops-strong" to={`/requests/${encodeURIComponent(r.id)}?tab=deliveries&transfer=${encodeURIComponent(t.id)}`}>
                      {r.title}
                    </Link>
                    <br />
                    <span className="muted">{transferName(t)}</span>
                  </td>
                  <td>{[sourceTypeName(r.sourceType), languageName(r.language)].filter(Boolean).join(' · ')}</td>
                  <td>{partners?.get(r.fulfillmentPartner) ?? r.fulfillmentPartner}</td>
                  <td className="nowrap">{day(r.dueDate)}</td>
                  <td>
                    <span className="verify-codes">
                      {codes.map((c) => (
                        <Link key={c} to={`/help/error-codes#${c}`}>
                          <Badge tone="risk">{c}</Badge>
                        </Link>
                      ))}
                    </span>
                  </td>
                  <td>
                    <p className="verify-reason">{ov?.note}</p>
                    {ov && <span className="muted">{ov.by}, {when(ov.at)}</span>}
                  </td>
                  <td>
                    <span className="studio-actions">
                      <ActionButton action={t.actions.verify} label="Verify" primary onClick={() => setOpen({ kind: 'verify', item })} testId="verify" />
                      <ActionButton action={t.actions.reject} label="Reject" onClick={() => setOpen({ kind: 'reject', item })} testId="reject" />
                    </span>
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
      {next && (
        <button type="button" className="btn" onClick={() => void showMore()} disabled={more}>
          {more ? 'Loading…' : 'Show more'}
        </button>
      )}
      {open && (
        <DecisionDialog
          title={open.kind === 'verify' ? 'Verify the override' : 'Reject the override'}
          path={`/v1/transfers/${encodeURIComponent(open.item.id)}/${open.kind}`}
          submit={open.kind === 'verify' ? 'Verify' : 'Reject'}
          reason={open.kind === 'verify' ? 'optional' : 'required'}
          danger={open.kind === 'reject'}
          intro={
            <p className="muted">
              {open.item.request.title}: {open.kind === 'verify'
                ? 'the delivery and the request become Processed.'
                : 'the delivery fails again and the request asks for a redelivery.'}
            </p>
          }
          onClose={(changed) => {
            if (changed) toast(open.kind === 'verify' ? `Verified: ${open.item.request.title}` : `Rejected: ${open.item.request.title}`)
            setOpen(undefined)
            if (changed) setRound((n) => n + 1)
          }}
          testId={`${open.kind}-dialog`}
        />
      )}
    </>
  )
}
