// /qc: the QC queue across requests (GET /v1/qc), newest delivery first,
// filtered by a view of QC statuses kept in the URL (?view=ready), a page
// at a time ("Show more" follows the API's cursor). Each row opens the QC
// page of its delivery.
import { useEffect, useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { messageOf, useSession } from '../session'
import { Notice, Spinner } from '../ui'
import { Badge } from '../details/parts'
import { count, day, languageName, qcStatusName, sourceTypeName, when } from '../details/format'
import { qcTone } from '../details/status'
import { usePartnerNames } from '../details/data'
import { useFulfillmentPartners } from './glossary'
import { views, type QCQueue, type QCQueueCard, type ViewKey } from './types'
import '../details/details.css'
import './qc.css'

const pageSize = 50

export function QueuePage() {
  const { api } = useSession()
  const [params, setParams] = useSearchParams()
  const view = views.find((v) => v.key === params.get('view')) ?? views[0]
  const partner = params.get('partner') ?? ''
  const partners = usePartnerNames()
  const facilities = useFulfillmentPartners()
  const set = (key: string, value: string) =>
    setParams(
      (p) => {
        const n = new URLSearchParams(p)
        if (value) n.set(key, value)
        else n.delete(key)
        return n
      },
      { replace: true },
    )
  // The cards and the query they answer: rows of another view never show under this one.
  const [list, setList] = useState<{ key: string; cards: QCQueueCard[]; next: string }>()
  const [error, setError] = useState<unknown>()
  const [more, setMore] = useState(false)
  const [round, setRound] = useState(0)
  const key = `${view.statuses}|${partner}|${round}`
  const cards = list?.key === key ? list.cards : undefined
  const next = list?.key === key ? list.next : ''

  useEffect(() => {
    const c = new AbortController()
    setError(undefined)
    api.get<QCQueue>('/v1/qc', { status: view.statuses, partner, limit: pageSize }, c.signal).then(
      (q) => setList({ key, cards: q.qc ?? [], next: q.next }),
      (e: unknown) => !c.signal.aborted && setError(e),
    )
    return () => c.abort()
  }, [api, view.statuses, partner, round, key])

  async function showMore() {
    setMore(true)
    try {
      const q = await api.get<QCQueue>('/v1/qc', { status: view.statuses, partner, limit: pageSize, cursor: next })
      setList((l) => (l && l.key === key ? { key, cards: [...l.cards, ...(q.qc ?? [])], next: q.next } : l))
    } catch (e) {
      setError(e)
    } finally {
      setMore(false)
    }
  }

  return (
    <section className="rq ops" aria-labelledby="qc-title" data-testid="qc-queue">
      <title>{`QC queue · ${view.label} · openlot`}</title>
      <div className="page-head">
        <div>
          <p className="eyebrow">Quality Control</p>
          <h1 id="qc-title">QC queue</h1>
        </div>
        <button type="button" className="btn btn-sm" onClick={() => setRound((n) => n + 1)}>
          Refresh
        </button>
      </div>
      <div className="ops-toolbar">
      <fieldset className="segmented ops-views">
        <legend className="sr-only">QC status</legend>
        {views.map((v) => (
          <label key={v.key} className="segment">
            <input
              type="radio"
              name="qc-view"
              value={v.key}
              checked={v.key === view.key}
              onChange={() => set('view', v.key === 'todo' ? '' : (v.key satisfies ViewKey))}
            />
            <span>{v.label}</span>
          </label>
        ))}
      </fieldset>
        <label className="ops-filter">
          <span>Partner</span>
          <select value={partner} onChange={(e) => set('partner', e.target.value)}>
            <option value="">All partners</option>
            {facilities?.map((f) => (
              <option key={f.code} value={f.code}>{f.name}</option>
            ))}
          </select>
        </label>
      </div>
      {error ? (
        <Notice tone="danger" title="The QC queue could not be loaded">
          <p>{messageOf(error)}</p>
          <button type="button" className="btn" onClick={() => setRound((n) => n + 1)}>
            Try again
          </button>
        </Notice>
      ) : !cards ? (
        <Spinner label="Loading the QC queue" />
      ) : cards.length === 0 ? (
        <div className="empty" data-testid="qc-queue-empty">
          <h2>Nothing here</h2>
          <p className="muted">No delivery's QC is {view.key === 'all' ? 'recorded yet' : `in “${view.label}”`}.</p>
        </div>
      ) : (
        <>
          <p className="muted" role="status">
            {count(cards.length, 'delivery', 'deliveries')}
            {next ? ' so far' : ''}, newest first
          </p>
          <div className="table-wrap" role="region" aria-label="QC queue" tabIndex={0}>
            <table className="tbl ops-table" data-testid="qc-queue-table">
              <thead>
                <tr>
                  <th scope="col">Title</th>
                  <th scope="col">Asset</th>
                  <th scope="col">Partner</th>
                  <th scope="col">Due</th>
                  <th scope="col">QC status</th>
                  <th scope="col" className="num">Issues</th>
                  <th scope="col" className="num">Blockers</th>
                  <th scope="col">Last change</th>
                  <th scope="col">Delivery</th>
                </tr>
              </thead>
              <tbody>
                {cards.map((c) => {
                  const last = c.qc.timeline?.[c.qc.timeline.length - 1]
                  return (
                    <tr key={c.transferId} data-testid="qc-queue-row" data-transfer={c.transferId} data-status={c.qc.status}>
                      <td>
                        <Link to={`/qc/${encodeURIComponent(c.transferId)}`} className="ops-strong">
                          {c.request.title}
                        </Link>
                      </td>
                      <td>{[sourceTypeName(c.request.sourceType), languageName(c.request.language)].filter(Boolean).join(' · ')}</td>
                      <td>{partners?.get(c.request.fulfillmentPartner) ?? c.request.fulfillmentPartner}</td>
                      <td className="nowrap">{day(c.request.dueDate)}</td>
                      <td>
                        <Badge tone={qcTone(c.qc.status)}>{qcStatusName(c.qc.status)}</Badge>
                      </td>
                      <td className="num">{c.counts.ISSUE ?? 0}</td>
                      <td className={`num${c.counts.BLOCKER ? ' ops-blocker' : ''}`}>{c.counts.BLOCKER ?? 0}</td>
                      <td className="nowrap">
                        {last ? (
                          <>
                            {when(last.at)}
                            <br />
                            <span className="muted">{last.byName || last.by}</span>
                          </>
                        ) : (
                          ''
                        )}
                      </td>
                      <td className="ops-files">
                        <span className="ops-file">{c.files?.[0] ?? ''}</span>
                        <Link to={`/requests/${encodeURIComponent(c.request.id)}?tab=qc&transfer=${encodeURIComponent(c.transferId)}`}>
                          Request details
                        </Link>
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
        </>
      )}
    </section>
  )
}
