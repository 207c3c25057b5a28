// History: every action, comment and status change on the request, with
// who did it and when, newest first.
import { Link } from 'react-router'
import { fieldValue, historyActionName, roleName, when } from './format'
import { Badge } from './parts'
import type { HistoryEntry } from './types'

export function History({ entries }: { entries: HistoryEntry[] }) {
  const newest = entries.map((e, i) => ({ e, i })).sort((a, b) => b.e.at.localeCompare(a.e.at) || b.i - a.i)
  if (newest.length === 0) {
    return (
      <div className="empty">
        <h2>No history yet</h2>
      </div>
    )
  }
  return (
    <div className="table-wrap" data-testid="history" role="region" aria-label="History" tabIndex={0}>
      <table className="tbl tbl-history">
        <caption className="sr-only">History of the request, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">Change</th>
            <th scope="col">Reason or note</th>
          </tr>
        </thead>
        <tbody>
          {newest.map(({ e, i }) => (
            <tr key={i} data-action={e.action}>
              <td className="nowrap">
                <time dateTime={e.at}>{when(e.at)}</time>
              </td>
              <td>
                {e.role !== 'SYSTEM' && (e.actor || e.role) ? (
                  <>
                    <span className="who">{e.actorName || e.actor}</span>
                    {e.role && <span className="role-tag">{roleName(e.role)}</span>}
                  </>
                ) : (
                  <span className="muted">openlot (automatic)</span>
                )}
              </td>
              <td>
                <Badge tone={toneOf(e.action)}>{historyActionName(e.action)}</Badge>
              </td>
              <td>
                <Change entry={e} />
              </td>
              <td className="note">
                {e.reason && <span className="reason">{e.reason}</span>}
                {e.reason && e.comment && <br />}
                {e.comment && <span className={e.reason ? 'muted' : ''}>{e.comment}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function Change({ entry: e }: { entry: HistoryEntry }) {
  if (e.field === 'transfer' && e.after) {
    return <Link to={`?tab=deliveries&transfer=${encodeURIComponent(e.after)}`}>Show the delivery</Link>
  }
  if (e.field === 'upgradedTo' && e.after) return <Link to={`/requests/${e.after}`}>New request</Link>
  if (e.field === 'upgradedFrom' && e.after) return <Link to={`/requests/${e.after}`}>Earlier request</Link>
  const before = fieldValue(e.field, e.before)
  const after = fieldValue(e.field, e.after)
  if (!before && !after) return null
  if (e.action === 'COMMENTED') return null
  return (
    <span className="change">
      {before && <span className="before muted">{before}</span>}
      {before && after && (
        <>
          <span aria-hidden="true"> → </span>
          <span className="sr-only"> changed to </span>
        </>
      )}
      {after && <span className="after">{after}</span>}
    </span>
  )
}

function toneOf(action: string) {
  switch (action) {
    case 'INSPECTION_FAILED':
    case 'QC_FAILED':
    case 'CANCELLED':
      return 'critical' as const
    case 'REDELIVERY_REQUESTED':
    case 'INSPECTION_OVERRIDDEN':
    case 'OVERRIDE_VERIFIED':
      return 'risk' as const
    case 'PROCESSED':
    case 'QC_PASSED':
      return 'ok' as const
    default:
      return 'neutral' as const
  }
}
