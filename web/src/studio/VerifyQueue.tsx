// The verification queue: deliveries whose inspection errors the partner
// overrode, waiting for the studio. A request is Delivered exactly while
// that is so, so the queue is the search for Delivered requests
// (GET /v1/requests?status=Delivered), each with its overridden delivery
// (GET /v1/requests/{id}/transfers): the errors, the partner's reason, and
// Verify / Reject as the delivery's `actions` allow.
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

interface Row {
  id: string
  title: string
  sourceType: string
  language?: string
  fulfillmentPartner: string
  dueDate: string
}

interface Item {
  row: Row
  transfer?: Transfer
}

export function VerifyQueue() {
  const { api } = useSession()
  const partners = usePartnerNames()
  const [items, setItems] = useState<Item[]>()
  const [total, setTotal] = useState(0)
  const [error, setError] = useState<unknown>()
  const [round, setRound] = useState(0)
  const [open, setOpen] = useState<{ kind: 'verify' | 'reject'; item: Item }>()

  useEffect(() => {
    const c = new AbortController()
    setError(undefined)
    ;(async () => {
      const res = await api.get<{ total: number; rows: Row[] | null }>(
        '/v1/requests',
        { status: 'DELIVERED', columns: 'title,sourceType,language,fulfillmentPartner,dueDate', sort: 'dueDate', limit: 50 },
        c.signal,
      )
      const rows = res.rows ?? []
      // Each request's deliveries, a few at a time (the API bounds each caller's rate).
      const found: Item[] = []
      for (let i = 0; i < rows.length; i += 6) {
        found.push(
          ...(await Promise.all(
            rows.slice(i, i + 6).map(async (row) => {
              const t = await api.get<{ transfers: Transfer[] | null }>(`/v1/requests/${encodeURIComponent(row.id)}/transfers`, undefined, c.signal)
              return { row, transfer: (t.transfers ?? []).find((x) => x.status === 'OVERRIDDEN') }
            }),
          )),
        )
      }
      if (!c.signal.aborted) {
        setItems(found)
        setTotal(res.total)
      }
    })().catch((e: unknown) => !c.signal.aborted && setError(e))
    return () => c.abort()
  }, [api, round])

  if (error) {
    return (
      <Notice tone="danger" title="The verification queue could not be loaded">
        <p>{messageOf(error)}</p>
        <button type="button" className="btn" onClick={() => setRound((n) => n + 1)}>Try again</button>
      </Notice>
    )
  }
  if (!items) return <Spinner label="Loading the verification queue" />
  const waiting = items.filter((i) => i.transfer)
  if (waiting.length === 0) {
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
          {total > items.length
            ? `${total} delivered requests wait for the studio; the overridden deliveries of the ${items.length} due first are shown.`
            : `${waiting.length} overridden ${waiting.length === 1 ? 'delivery waits' : 'deliveries wait'} for the studio, earliest due first.`}
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
            {waiting.map((item) => {
              const t = item.transfer!
              const r = item.row
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
      {open && (
        <DecisionDialog
          title={open.kind === 'verify' ? 'Verify the override' : 'Reject the override'}
          path={`/v1/transfers/${encodeURIComponent(open.item.transfer!.id)}/${open.kind}`}
          submit={open.kind === 'verify' ? 'Verify' : 'Reject'}
          reason={open.kind === 'verify' ? 'optional' : 'required'}
          danger={open.kind === 'reject'}
          intro={
            <p className="muted">
              {open.item.row.title}: {open.kind === 'verify'
                ? 'the delivery and the request become Processed.'
                : 'the delivery fails again and the request asks for a redelivery.'}
            </p>
          }
          onClose={(changed) => {
            if (changed) toast(open.kind === 'verify' ? `Verified: ${open.item.row.title}` : `Rejected: ${open.item.row.title}`)
            setOpen(undefined)
            if (changed) setRound((n) => n + 1)
          }}
          testId={`${open.kind}-dialog`}
        />
      )}
    </>
  )
}
