// /help/error-codes: every inspection error code with its help and whether
// it may be overridden (GET /v1/error-codes), one anchor per code: the
// links on delivery cards and in mail (/help/error-codes#CODE) land here.
import { useEffect, useState } from 'react'
import { useLocation } from 'react-router'
import { messageOf } from '../session'
import { Notice, Spinner } from '../ui'
import { useGet } from './data'
import { Badge } from './parts'
import type { ErrorCode } from './types'
import './details.css'

export function ErrorCodesPage() {
  const codes = useGet<{ codes: ErrorCode[] | null }>('/v1/error-codes')
  const { hash } = useLocation()
  const target = decodeURIComponent(hash.slice(1))
  const [filter, setFilter] = useState<'all' | 'overridable' | 'fixed'>('all')
  const list = codes.data?.codes ?? []

  // The anchor exists only once the list is drawn: scroll to it then.
  useEffect(() => {
    if (!target || !codes.data) return
    document.getElementById(target)?.scrollIntoView({ block: 'start' })
  }, [target, codes.data])

  const shown = list.filter((c) => filter === 'all' || (filter === 'overridable') === c.overridable || c.code === target)
  return (
    <section className="page help" aria-labelledby="help-title">
      <title>Inspection error codes · openlot</title>
      <div className="page-head">
        <div>
          <p className="eyebrow">Help</p>
          <h1 id="help-title">Inspection error codes</h1>
        </div>
      </div>
      <p className="help-intro">
        Every delivery is inspected. A delivery that fails names one or more of these codes on its card. Codes marked
        overridable may be overridden by the delivering partner with a reason, when the file is right as it is (an
        intended fade to black, a scripted silence); the studio then verifies the override. The others need a new
        delivery.
      </p>
      {codes.error && !codes.data ? (
        <Notice tone="danger" title="The error codes could not be loaded">
          <p>{messageOf(codes.error)}</p>
        </Notice>
      ) : !codes.data ? (
        <Spinner label="Loading the error codes" />
      ) : (
        <>
          <fieldset className="segmented">
            <legend className="sr-only">Show</legend>
            {(
              [
                ['all', `All (${list.length})`],
                ['overridable', `Overridable (${list.filter((c) => c.overridable).length})`],
                ['fixed', `Need a new delivery (${list.filter((c) => !c.overridable).length})`],
              ] as const
            ).map(([k, label]) => (
              <label key={k} className="segment">
                <input type="radio" name="filter" value={k} checked={filter === k} onChange={() => setFilter(k)} />
                <span>{label}</span>
              </label>
            ))}
          </fieldset>
          <ul className="codes" data-testid="error-codes">
            {shown.map((c) => (
              <li key={c.code} id={c.code} className={`code-item${c.code === target ? ' code-target' : ''}`} data-testid="error-code">
                <h2 className="code-title">
                  <a href={`#${c.code}`} className="code-anchor">
                    <code>{c.code}</code>
                  </a>
                  <span>{c.title}</span>
                </h2>
                <p>{c.help}</p>
                <p>
                  {c.overridable ? (
                    <Badge tone="info">May be overridden with a reason</Badge>
                  ) : (
                    <Badge tone="muted">Cannot be overridden: deliver again</Badge>
                  )}
                </p>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  )
}
