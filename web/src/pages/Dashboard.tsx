// /: Source Management. Phase 1 shows the Insights and Asset States
// buckets of the caller's requests, counted by the API (GET /v1/requests);
// the modifier bar, groupings and rows come next.
import { useCallback, useEffect, useState } from 'react'
import { messageOf, useSession } from '../session'
import { Notice } from '../ui'

export interface Buckets {
  requests: number
  critical: number
  atRisk: number
  onTrack: number
  awaitingMaterials: number
  materialsAvailable: number
  overdueUndelivered: number
}

interface SearchAnswer {
  total: number
  buckets: Buckets
}

type BucketKey = keyof Buckets

interface BucketSpec {
  key: BucketKey
  label: string
  hint: string
  tone: 'neutral' | 'critical' | 'risk' | 'ok'
}

const insights: BucketSpec[] = [
  { key: 'requests', label: 'Requests', hint: 'Open or redelivery requested', tone: 'neutral' },
  { key: 'critical', label: 'Critical', hint: 'Due within 2 days or past the estimated delivery', tone: 'critical' },
  { key: 'atRisk', label: 'At risk', hint: 'Due within 7 days, estimated late, or waiting for materials', tone: 'risk' },
  { key: 'onTrack', label: 'On track', hint: 'Every other open request', tone: 'ok' },
]

const assetStates: BucketSpec[] = [
  { key: 'awaitingMaterials', label: 'Awaiting materials', hint: 'Open, materials not yet received', tone: 'neutral' },
  { key: 'materialsAvailable', label: 'Materials available', hint: 'Received, accepted, or marked available', tone: 'ok' },
  { key: 'overdueUndelivered', label: 'Overdue undelivered', hint: 'Open and past the due date', tone: 'critical' },
]

export function Dashboard() {
  const { api } = useSession()
  const [answer, setAnswer] = useState<SearchAnswer>()
  const [error, setError] = useState<string>()
  const [loading, setLoading] = useState(true)

  const load = useCallback(
    (signal?: AbortSignal) => {
      setLoading(true)
      setError(undefined)
      api.get<SearchAnswer>('/v1/requests', { limit: 1, columns: 'id' }, signal).then(
        (a) => {
          setAnswer(a)
          setLoading(false)
        },
        (e: unknown) => {
          if (signal?.aborted) return
          setError(messageOf(e))
          setLoading(false)
        },
      )
    },
    [api],
  )

  useEffect(() => {
    const ctl = new AbortController()
    load(ctl.signal)
    return () => ctl.abort()
  }, [load])

  return (
    <section className="page" aria-labelledby="dashboard-title">
      <title>Source Management · openlot</title>
      <div className="page-head">
        <h1 id="dashboard-title">Source Management</h1>
        <button type="button" className="btn" onClick={() => load()} disabled={loading}>
          Refresh
        </button>
      </div>
      {error && (
        <Notice tone="danger" title="The requests could not be counted">
          <p>{error}</p>
        </Notice>
      )}
      <div className="bucket-groups" aria-busy={loading}>
        <BucketGroup id="insights" title="Insights" specs={insights} buckets={answer?.buckets} />
        <BucketGroup id="asset-states" title="Asset States" specs={assetStates} buckets={answer?.buckets} />
      </div>
    </section>
  )
}

function BucketGroup({ id, title, specs, buckets }: { id: string; title: string; specs: BucketSpec[]; buckets?: Buckets }) {
  return (
    <section className="bucket-group" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="section-title">{title}</h2>
      <ul className="buckets">
        {specs.map((b) => (
          <li key={b.key} className={`bucket bucket-${b.tone}`} data-bucket={b.key}>
            <span className="bucket-label">{b.label}</span>
            <span className="bucket-count" data-testid={`bucket-${b.key}`}>
              {buckets ? buckets[b.key].toLocaleString('en-US') : '–'}
            </span>
            <span className="bucket-hint">{b.hint}</span>
          </li>
        ))}
      </ul>
    </section>
  )
}
