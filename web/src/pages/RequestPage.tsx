// /requests/{id}: Source Request Details. Phase 1 shows the request's
// header; the tabs (Overview, Deliveries, Actions, Quality Control,
// Comments, History) come next.
import { useEffect, useState } from 'react'
import { useParams } from 'react-router'
import { ApiError } from '../lib/api'
import { messageOf, useSession } from '../session'
import { Notice, Spinner } from '../ui'
import { NotFound } from './NotFound'

interface RequestDetails {
  id: string
  title?: string
  movieId?: number
  sourceType?: string
  language?: string
  status?: string
  materialStatus?: string
  dueDate?: string
}

export function RequestPage() {
  const { id = '' } = useParams()
  const { api } = useSession()
  const [state, setState] = useState<{ request?: RequestDetails; error?: unknown }>({})

  useEffect(() => {
    const ctl = new AbortController()
    setState({})
    api.get<{ request: RequestDetails }>(`/v1/requests/${encodeURIComponent(id)}`, undefined, ctl.signal).then(
      (details) => setState({ request: details.request }),
      (error: unknown) => !ctl.signal.aborted && setState({ error }),
    )
    return () => ctl.abort()
  }, [api, id])

  if (state.error instanceof ApiError && state.error.code === 'not_found') return <NotFound what="request" />
  if (state.error) {
    return <Notice tone="danger" title="The request could not be loaded"><p>{messageOf(state.error)}</p></Notice>
  }
  const r = state.request
  if (!r) return <Spinner label="Loading the request" />
  return (
    <section className="page">
      <title>{`${r.title ?? r.id} · openlot`}</title>
      <p className="eyebrow">{[r.sourceType, r.language].filter(Boolean).join(' · ')}</p>
      <h1>{r.title ?? r.id}</h1>
      <dl className="facts">
        <div><dt>Status</dt><dd>{r.status}</dd></div>
        <div><dt>Material status</dt><dd>{r.materialStatus}</dd></div>
        <div><dt>Movie ID</dt><dd>{r.movieId}</dd></div>
        <div><dt>Due</dt><dd>{r.dueDate}</dd></div>
      </dl>
    </section>
  )
}
