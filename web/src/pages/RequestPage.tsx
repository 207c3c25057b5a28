// /requests/{id}: Source Request Details (a separate chunk, loaded when the
// route opens). The header with the request's actions, the Overview panel,
// and the tabs Deliveries, Quality Control, Comments and History, chosen by
// the URL (?tab=deliveries|qc|comments|history, &transfer=… opens a card:
// the links mail carries). Another partner's request is "not found" exactly
// like a missing one: the API answers both alike.
import { useCallback, useMemo, type ReactNode } from 'react'
import { Link, useParams, useSearchParams } from 'react-router'
import { ApiError } from '../lib/api'
import { messageOf } from '../session'
import { Notice, Spinner } from '../ui'
import { Comments } from '../details/Comments'
import { ActorNames, useGet } from '../details/data'
import { Deliveries } from '../details/Deliveries'
import { requestStatusName, sourceTypeName } from '../details/format'
import { Header } from '../details/Header'
import { History } from '../details/History'
import { Overview } from '../details/Overview'
import { QualityControl } from '../details/QualityControl'
import type { Comment, Details, HistoryEntry, QCCard, Transfer } from '../details/types'
import { NotFound } from './NotFound'
import '../details/details.css'

const tabs = [
  { key: 'deliveries', label: 'Deliveries' },
  { key: 'qc', label: 'Quality Control' },
  { key: 'comments', label: 'Comments' },
  { key: 'history', label: 'History' },
] as const

type Tab = (typeof tabs)[number]['key']

function isTab(v: string | null): v is Tab {
  return tabs.some((t) => t.key === v)
}

/** An answer that means "no such request for you": missing, another tenant's, or not an ID at all. */
function notFound(e: unknown): boolean {
  return e instanceof ApiError && (e.code === 'not_found' || (e.status === 400 && e.code === 'invalid'))
}

export function RequestPage() {
  const { id = '' } = useParams()
  const [params] = useSearchParams()
  const tabParam = params.get('tab')
  const tab: Tab = isTab(tabParam) ? tabParam : 'deliveries'
  const focus = params.get('transfer') ?? undefined

  const base = `/v1/requests/${encodeURIComponent(id)}`
  const details = useGet<Details>(base)
  const ok = !!details.data && details.data.request.id === id
  // The rest only once the request is known to be the caller's: nothing more is asked of a foreign ID.
  const transfers = useGet<{ transfers: Transfer[] | null }>(ok ? `${base}/transfers` : undefined)
  const qc = useGet<{ qc: QCCard[] | null }>(ok ? `${base}/qc` : undefined)
  const comments = useGet<{ comments: Comment[] | null }>(ok ? `${base}/comments` : undefined)
  const history = useGet<{ entries: HistoryEntry[] | null }>(ok ? `${base}/history` : undefined)

  // Who is who: the history and comments name the IDs that timelines carry.
  const actorNames = useMemo(() => {
    const m = new Map<string, string>([['openlot', 'openlot']])
    for (const e of history.data?.entries ?? []) if (e.actor && e.actorName && e.role !== 'SYSTEM') m.set(e.actor, e.actorName)
    for (const c of comments.data?.comments ?? []) if (c.author && c.authorName) m.set(c.author, c.authorName)
    return m
  }, [history.data, comments.data])

  const reloadAll = useCallback(() => {
    details.reload()
    transfers.reload()
    qc.reload()
    comments.reload()
    history.reload()
  }, [details.reload, transfers.reload, qc.reload, comments.reload, history.reload])

  if (details.error && notFound(details.error)) return <NotFound what="request" />
  if (details.error && !details.data) {
    return (
      <section className="page">
        <title>Request · openlot</title>
        <Notice tone="danger" title="The request could not be loaded">
          <p>{messageOf(details.error)}</p>
          <button type="button" className="btn" onClick={details.reload}>
            Try again
          </button>
        </Notice>
      </section>
    )
  }
  if (!ok) {
    return (
      <section className="page rq-loading">
        <Spinner label="Loading the request" />
      </section>
    )
  }

  const d = details.data!
  const r = d.request
  const counts: Record<Tab, number | undefined> = {
    deliveries: transfers.data?.transfers?.length,
    qc: qc.data?.qc?.length,
    comments: comments.data?.comments?.length,
    history: undefined,
  }

  return (
    <ActorNames value={actorNames}>
      <article className="rq" aria-labelledby="rq-title" data-request={r.id}>
        <title>{`${r.title} · ${sourceTypeName(r.sourceType)}${r.language ? ' ' + r.language : ''} · ${requestStatusName(r.status)} · openlot`}</title>
        <Header details={d} onChanged={reloadAll} />
        <div className="rq-body">
          <Overview details={d} />
          <div className="rq-main">
            <nav className="tabs" aria-label="Request sections">
              {tabs.map((t) => (
                <Link
                  key={t.key}
                  to={`?tab=${t.key}`}
                  className="tab"
                  aria-current={tab === t.key ? 'page' : undefined}
                  data-tab={t.key}
                  replace
                >
                  {t.label}
                  {counts[t.key] !== undefined && <span className="tab-count">{counts[t.key]}</span>}
                </Link>
              ))}
            </nav>
            <div className="tab-panel" data-testid={`tab-${tab}`}>
              {tab === 'deliveries' && (
                <Loaded res={transfers} what="deliveries">
                  {(v) => (
                    <Deliveries
                      requestId={r.id}
                      transfers={v.transfers ?? []}
                      qc={qc.data?.qc ?? []}
                      focus={focus}
                      onChanged={reloadAll}
                    />
                  )}
                </Loaded>
              )}
              {tab === 'qc' && (
                <Loaded res={qc} what="quality control">
                  {(v) => <QualityControl cards={v.qc ?? []} transfers={transfers.data?.transfers ?? []} focus={focus} />}
                </Loaded>
              )}
              {tab === 'comments' && (
                <Loaded res={comments} what="comments">
                  {(v) => (
                    <Comments
                      requestId={r.id}
                      comments={v.comments ?? []}
                      action={d.actions.comment}
                      onAdded={() => {
                        comments.reload()
                        history.reload()
                      }}
                    />
                  )}
                </Loaded>
              )}
              {tab === 'history' && <Loaded res={history} what="history">{(v) => <History entries={v.entries ?? []} />}</Loaded>}
            </div>
          </div>
        </div>
      </article>
    </ActorNames>
  )
}

interface LoadedProps<T> {
  res: { data?: T; error?: unknown; loading: boolean; reload: () => void }
  what: string
  children: (v: T) => ReactNode
}

function Loaded<T>({ res, what, children }: LoadedProps<T>) {
  if (res.data) return <>{children(res.data)}</>
  if (res.error) {
    return (
      <Notice tone="danger" title={`The ${what} could not be loaded`}>
        <p>{messageOf(res.error)}</p>
        <button type="button" className="btn" onClick={res.reload}>
          Try again
        </button>
      </Notice>
    )
  }
  return <Spinner label={`Loading the ${what}`} />
}
