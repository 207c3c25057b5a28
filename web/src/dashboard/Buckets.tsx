// The Insights and Asset States buckets: cards when the view is not
// grouped, and the same buckets replicated per group (one table row per
// combination of the group values) when it is. A count opens its rows.
import { Fragment, type ReactNode, useEffect, useRef } from 'react'
import {
  type BucketKey, type BucketSpec, type Buckets, type SearchGroup, type SearchValues,
  assetStateBuckets, groupField, groupKeyOf, insightBuckets, valueName,
} from '../lib/search'
import { Icon } from '../ui'

const fmt = (n: number) => n.toLocaleString('en-US')

interface CardsProps {
  buckets?: Buckets | undefined
  loading: boolean
  open?: string | undefined
  onOpen: (bucket: BucketKey | undefined) => void
  panelId: string
}

export function BucketCards({ buckets, loading, open, onOpen, panelId }: CardsProps) {
  return (
    <div className="bucket-groups" aria-busy={loading}>
      <CardGroup id="insights" title="Insights" specs={insightBuckets} {...{ buckets, open, onOpen, panelId }} />
      <CardGroup id="asset-states" title="Asset States" specs={assetStateBuckets} {...{ buckets, open, onOpen, panelId }} />
    </div>
  )
}

function CardGroup({ id, title, specs, buckets, open, onOpen, panelId }: Omit<CardsProps, 'loading'> & { id: string; title: string; specs: BucketSpec[] }) {
  return (
    <section className="bucket-group" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="section-title">{title}</h2>
      <ul className="buckets">
        {specs.map((b) => {
          const isOpen = open === b.key
          const n = buckets?.[b.key]
          return (
            <li key={b.key} className={`bucket bucket-${b.tone}${isOpen ? ' is-open' : ''}`} data-bucket={b.key}>
              <span className="bucket-label">{b.label}</span>
              <button
                type="button"
                className="bucket-count"
                aria-expanded={isOpen}
                aria-controls={isOpen ? panelId : undefined}
                disabled={n === undefined}
                onClick={() => onOpen(isOpen ? undefined : b.key)}
                data-tip={isOpen ? 'Hide these requests' : `Show the ${b.label.toLowerCase()} requests`}
              >
                <span data-testid={`bucket-${b.key}`}>{n === undefined ? '–' : fmt(n)}</span>
                <span className="sr-only"> {b.label} requests{isOpen ? ', shown below' : ''}</span>
              </button>
              <span className="bucket-hint">{b.hint}</span>
            </li>
          )
        })}
      </ul>
    </section>
  )
}

/** A group's value as people read it: names for codes, months for dueMonth. */
export function groupValue(field: string, code: string, values?: SearchValues): string {
  if (code === '') return '(none)'
  if (field === 'dueMonth') {
    const m = /^(\d{4})-(\d{2})$/.exec(code)
    if (m) return new Date(Number(m[1]), Number(m[2]) - 1, 1).toLocaleDateString('en-US', { month: 'short', year: 'numeric' })
    return code
  }
  if (field === 'title' || field === 'packageId') return code
  return valueName(values, field, code)
}

export function groupName(group: string[], key: Record<string, string>, values?: SearchValues): string {
  return group.map((g) => groupValue(g, key[g] ?? '', values)).join(' – ')
}

interface TableProps {
  group: string[]
  groups: SearchGroup[]
  values?: SearchValues | undefined
  loading: boolean
  /** The open bucket and group (groupKey), if any. */
  bucket?: string | undefined
  groupKey?: string | undefined
  onOpen: (groupKey: string | undefined, bucket: BucketKey | undefined) => void
  /** The rows of the open group, drawn under its row. */
  openRows: ReactNode
  panelId: string
}

const specs = [...insightBuckets, ...assetStateBuckets]

export function GroupTable({ group, groups, values, loading, bucket, groupKey, onOpen, openRows, panelId }: TableProps) {
  const cols = group.length + 2 + specs.length
  // The group a bookmark opens may be far down the table: bring it to the top once.
  const wrap = useRef<HTMLDivElement>(null)
  const initial = useRef(groupKey)
  const ready = groups.length > 0
  useEffect(() => {
    const key = initial.current
    const box = wrap.current
    if (!ready || key === undefined || !box) return
    initial.current = undefined
    const row = [...box.querySelectorAll<HTMLElement>('tr.group-row')].find((r) => r.dataset.group === key)
    if (row) box.scrollTop = row.offsetTop - (box.querySelector('thead')?.offsetHeight ?? 0)
  }, [ready])
  return (
    <div className="group-table-wrap" aria-busy={loading} ref={wrap}>
      <table className="group-table" data-testid="group-table">
        <caption className="sr-only">Buckets by {group.map((g) => groupField(g)?.label ?? g).join(', then ')}</caption>
        <colgroup>
          {group.map((g) => <col key={g} className="col-group" />)}
          <col className="col-total" />
          {specs.map((b) => <col key={b.key} className="col-bucket" />)}
          <col className="col-expand" />
        </colgroup>
        <thead>
          <tr className="group-head-1">
            <th colSpan={group.length} scope="colgroup"><span className="sr-only">Group</span></th>
            <th scope="col" rowSpan={2} className="num">Total</th>
            <th colSpan={insightBuckets.length} scope="colgroup" className="head-band">Insights</th>
            <th colSpan={assetStateBuckets.length} scope="colgroup" className="head-band">Asset States</th>
            <th rowSpan={2}><span className="sr-only">Show every request of the group</span></th>
          </tr>
          <tr className="group-head-2">
            {group.map((g) => <th key={g} scope="col">{groupField(g)?.label ?? g}</th>)}
            {specs.map((b) => <th key={b.key} scope="col" className={`num head-${b.tone}`}>{b.label}</th>)}
          </tr>
        </thead>
        <tbody>
          {groups.length === 0 && !loading && (
            <tr><td colSpan={cols} className="empty">No request matches these modifiers.</td></tr>
          )}
          {groups.map((g, i) => {
            const key = groupKeyOf(group, g.key)
            const isOpen = groupKey === key
            const name = groupName(group, g.key, values)
            const prev = i > 0 ? groups[i - 1]!.key : undefined
            return (
              <Fragment key={key}>
                <tr className={`group-row${isOpen ? ' is-open' : ''}${group.length > 1 && prev && prev[group[0]!] !== g.key[group[0]!] ? ' group-first' : ''}`} data-group={key}>
                  {group.map((f, j) => {
                    // Repeated outer values are dimmed, so the nesting reads at a glance.
                    const repeat = prev !== undefined && group.slice(0, j + 1).every((h) => prev[h] === g.key[h])
                    return (
                      <th key={f} scope="row" className={repeat ? 'repeat' : undefined}>
                        {groupValue(f, g.key[f] ?? '', values)}
                      </th>
                    )
                  })}
                  <td className="num col-total-cell">
                    <CountButton n={g.total} label={`every request of ${name}`} open={isOpen && !bucket} panelId={panelId} onClick={() => onOpen(isOpen && !bucket ? undefined : key, undefined)} testId={`group-total-${key}`} />
                  </td>
                  {specs.map((b) => (
                    <td key={b.key} className={`num cell-${b.tone}`}>
                      <CountButton
                        n={g.buckets[b.key]}
                        label={`${b.label} requests of ${name}`}
                        open={isOpen && bucket === b.key}
                        panelId={panelId}
                        onClick={() => (isOpen && bucket === b.key ? onOpen(undefined, undefined) : onOpen(key, b.key))}
                        testId={`group-${b.key}-${key}`}
                      />
                    </td>
                  ))}
                  <td className="expand">
                    <button type="button" className="btn-icon" aria-expanded={isOpen} aria-controls={isOpen ? panelId : undefined}
                      aria-label={isOpen ? `Hide the requests of ${name}` : `Show every request of ${name}`}
                      data-tip={isOpen ? 'Hide the requests' : 'Show every request of the group'}
                      onClick={() => onOpen(isOpen ? undefined : key, undefined)}>
                      <Icon name={isOpen ? 'chevronDown' : 'chevronRight'} />
                    </button>
                  </td>
                </tr>
                {isOpen && (
                  <tr className="group-rows">
                    <td colSpan={cols}>{openRows}</td>
                  </tr>
                )}
              </Fragment>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}

function CountButton({ n, label, open, onClick, panelId, testId }: { n: number; label: string; open: boolean; onClick: () => void; panelId: string; testId: string }) {
  if (n === 0) return <span className="count-zero" data-testid={testId}>0</span>
  return (
    <button type="button" className={`count-button${open ? ' is-open' : ''}`} aria-expanded={open} aria-controls={open ? panelId : undefined} onClick={onClick} data-testid={testId}>
      {fmt(n)}
      <span className="sr-only"> {label}</span>
    </button>
  )
}
