// The rows of an open bucket (or group, or of every match): a TanStack
// Table grid whose columns people choose, drag into order and resize (kept
// per browser), sorted by the API (sort=…) and paged with its cursor. Each
// row carries what the caller may do to it (columns=…,actions), which its
// row actions and the bulk bar show.
import { type DragEvent, type KeyboardEvent, type ReactNode, useEffect, useMemo, useRef, useState } from 'react'
import {
  type ColumnDef, type RowSelectionState, type SortingState, type Updater,
  columnOrderingFeature, columnResizingFeature, columnSizingFeature, columnVisibilityFeature,
  rowSelectionFeature, rowSortingFeature, tableFeatures, useTable,
} from '@tanstack/react-table'
import type { DialogAction, KnownRequest } from '../actions'
import { type SearchAnswer, type SearchRow, type SearchValues } from '../lib/search'
import { useLoad } from '../lib/useLoad'
import { messageOf, useSession } from '../session'
import { Icon, IconButton, Notice } from '../ui'
import { ColumnsPanel } from './ColumnsPanel'
import { type ColumnSpec, type GridPrefs, columnSpec, columnSpecs, pageSizes } from './columns'
import { RowActions } from './RowActions'

const features = tableFeatures({
  columnOrderingFeature,
  columnVisibilityFeature,
  columnSizingFeature,
  columnResizingFeature,
  rowSelectionFeature,
  rowSortingFeature,
})

type Column = ColumnDef<typeof features, SearchRow>

export type RowAction = DialogAction | 'export'

interface Props {
  id: string
  /** The search: modifiers, group, bucket and groupKey (no paging, sort or columns). */
  query: URLSearchParams
  heading: ReactNode
  /** How many rows the buckets counted (the pager's total). */
  expected?: number | undefined
  sort?: string | undefined
  onSort: (sort: string | undefined) => void
  onClose?: (() => void) | undefined
  values?: SearchValues | undefined
  prefs: GridPrefs
  setPrefs: (fn: (p: GridPrefs) => GridPrefs) => void
  selection: Map<string, SearchRow>
  onSelection: (next: Map<string, SearchRow>) => void
  onAction: (action: RowAction, ids: string[], known: Record<string, KnownRequest>) => void
  /** Bumped to load the rows again (after an action). */
  refresh: number
}

const selectId = '_select'
const actionsId = '_actions'
// The actions column takes what width is left (none when the columns fill
// the grid): its buttons float over the row's right end on hover or focus.
const actionsSize = 1

function sortingOf(sort?: string): SortingState {
  if (!sort) return []
  return sort.split(',').flatMap((s) => {
    const desc = s.startsWith('-')
    const field = s.replace(/^-/, '')
    const c = columnSpecs.find((x) => x.sort === field)
    return c ? [{ id: c.id, desc }] : []
  })
}

function sortOf(sorting: SortingState): string | undefined {
  const parts = sorting.flatMap((s) => {
    const f = columnSpec(s.id)?.sort
    return f ? [`${s.desc ? '-' : ''}${f}`] : []
  })
  return parts.length ? parts.join(',') : undefined
}

function apply<T>(u: Updater<T>, old: T): T {
  return typeof u === 'function' ? (u as (o: T) => T)(old) : u
}

export function RowsPanel(props: Props) {
  const { id, query, heading, expected, sort, onSort, onClose, values, prefs, setPrefs, selection, onSelection, onAction, refresh } = props
  const { api } = useSession()

  // Pages: the cursors that led to each page so far (the first page has none).
  const [cursors, setCursors] = useState<string[]>([''])
  const page = cursors.length - 1
  const baseKey = `${query.toString()}|${sort ?? ''}|${prefs.pageSize}`
  useEffect(() => setCursors(['']), [baseKey])

  const visible = useMemo(() => prefs.order.filter((c) => prefs.visible.includes(c)), [prefs.order, prefs.visible])
  const wanted = useMemo(() => [...new Set(['title', 'sourceType', 'language', ...visible])].join(',') + ',actions', [visible])
  const rowsQuery = useMemo(() => {
    const p = new URLSearchParams(query)
    if (sort) p.set('sort', sort)
    p.set('limit', String(prefs.pageSize))
    p.set('columns', wanted)
    const c = cursors[page]
    if (c) p.set('cursor', c)
    return p
  }, [query, sort, prefs.pageSize, wanted, cursors, page])
  const rows = useLoad(`${rowsQuery.toString()}#${refresh}`, (s) => api.get<SearchAnswer>('/v1/requests', rowsQuery, s))
  const data = useMemo(() => rows.data?.rows ?? [], [rows.data])
  const next = rows.data?.next ?? ''

  const actionRef = useRef(onAction)
  actionRef.current = onAction

  const columns = useMemo<Column[]>(() => {
    const select: Column = {
      id: selectId,
      size: 36,
      enableSorting: false,
      enableHiding: false,
      enableResizing: false,
      header: ({ table }) => (
        <Checkbox
          label="Select every request on this page"
          checked={table.getIsAllPageRowsSelected()}
          indeterminate={table.getIsSomePageRowsSelected()}
          onClick={table.getToggleAllPageRowsSelectedHandler()}
        />
      ),
      cell: ({ row }) => (
        <Checkbox
          label={`Select ${row.original.title ?? row.original.id}`}
          tip="Shift-click selects a range"
          checked={row.getIsSelected()}
          onClick={row.getToggleSelectedHandler()}
          testId="row-select"
        />
      ),
    }
    const dataCols: Column[] = columnSpecs.map((spec: ColumnSpec) => ({
      id: spec.id,
      accessorFn: (r: SearchRow) => spec.text(r, values),
      header: spec.label,
      size: spec.size,
      minSize: 50,
      maxSize: 800,
      enableSorting: !!spec.sort,
      enableHiding: true,
      cell: ({ row }) => {
        const text = spec.text(row.original, values)
        return (
          <span className={`cell-text${spec.mono ? ' mono' : ''}`} title={text.length > 18 ? text : undefined}>
            {spec.render ? spec.render(row.original, values) : text}
          </span>
        )
      },
    }))
    const actions: Column = {
      id: actionsId,
      size: actionsSize,
      enableSorting: false,
      enableHiding: false,
      enableResizing: false,
      header: () => <span className="sr-only">Actions</span>,
      cell: ({ row }) => <RowActions row={row.original} values={values} onAction={(a, ids, known) => actionRef.current(a, ids, known)} />,
    }
    return [select, ...dataCols, actions]
  }, [values])

  const columnOrder = useMemo(() => [selectId, ...prefs.order, actionsId], [prefs.order])
  const columnVisibility = useMemo(() => Object.fromEntries(columnSpecs.map((c) => [c.id, prefs.visible.includes(c.id)])), [prefs.visible])
  const sorting = useMemo(() => sortingOf(sort), [sort])
  const rowSelection = useMemo<RowSelectionState>(() => Object.fromEntries([...selection.keys()].map((k) => [k, true])), [selection])

  const table = useTable({
    features,
    columns,
    data,
    getRowId: (r) => r.id,
    manualSorting: true,
    enableMultiSort: true,
    enableSortingRemoval: true,
    isMultiSortEvent: (e) => !!(e as { shiftKey?: boolean }).shiftKey,
    columnResizeMode: 'onChange',
    state: { columnOrder, columnVisibility, columnSizing: prefs.sizes, sorting, rowSelection },
    onColumnOrderChange: (u) => setPrefs((p) => ({ ...p, order: apply(u, columnOrder).filter((c) => c !== selectId && c !== actionsId) })),
    onColumnVisibilityChange: (u) => {
      const nextVis = apply(u, columnVisibility)
      setPrefs((p) => ({ ...p, visible: p.order.filter((c) => nextVis[c] !== false && (nextVis[c] || p.visible.includes(c))) }))
    },
    onColumnSizingChange: (u) => setPrefs((p) => ({ ...p, sizes: apply(u, p.sizes) })),
    onSortingChange: (u) => onSort(sortOf(apply(u, sorting))),
    onRowSelectionChange: (u) => {
      const nextSel = apply(u, rowSelection)
      const m = new Map<string, SearchRow>()
      for (const [k, on] of Object.entries(nextSel)) {
        if (!on) continue
        const r = selection.get(k) ?? data.find((x) => x.id === k)
        if (r) m.set(k, r)
      }
      onSelection(m)
    },
  })

  // Selected rows read again carry fresh actions and titles.
  useEffect(() => {
    if (!data.length || !selection.size) return
    let changed = false
    const m = new Map(selection)
    for (const r of data) {
      if (m.has(r.id) && m.get(r.id) !== r) {
        m.set(r.id, r)
        changed = true
      }
    }
    if (changed) onSelection(m)
    // eslint-disable-next-line
  }, [data])

  // Drag a column header onto another to move it there.
  const [dragging, setDragging] = useState<string>()
  const [dropAt, setDropAt] = useState<{ id: string; after: boolean }>()
  const resizing = useRef(false)
  const canMove = (c: string) => c !== selectId && c !== actionsId

  function onDragStart(e: DragEvent, colId: string) {
    if (resizing.current || !canMove(colId)) {
      e.preventDefault()
      return
    }
    setDragging(colId)
    e.dataTransfer.effectAllowed = 'move'
    e.dataTransfer.setData('text/plain', colId)
  }
  function onDragOver(e: DragEvent, colId: string) {
    if (!dragging || !canMove(colId) || colId === dragging) return
    e.preventDefault()
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect()
    const after = e.clientX > r.left + r.width / 2
    if (dropAt?.id !== colId || dropAt.after !== after) setDropAt({ id: colId, after })
  }
  function onDrop(e: DragEvent, colId: string) {
    e.preventDefault()
    const moving = dragging ?? e.dataTransfer.getData('text/plain')
    if (moving && moving !== colId && canMove(colId)) {
      const r = (e.currentTarget as HTMLElement).getBoundingClientRect()
      const after = e.clientX > r.left + r.width / 2
      setPrefs((p) => {
        const order = p.order.filter((c) => c !== moving)
        const at = order.indexOf(colId) + (after ? 1 : 0)
        order.splice(at, 0, moving)
        return { ...p, order }
      })
    }
    setDragging(undefined)
    setDropAt(undefined)
  }

  function onResizeKey(e: KeyboardEvent, colId: string, size: number) {
    const step = e.shiftKey ? 40 : 10
    let n = size
    if (e.key === 'ArrowLeft') n = size - step
    else if (e.key === 'ArrowRight') n = size + step
    else return
    e.preventDefault()
    const clamped = Math.max(50, Math.min(800, n))
    setPrefs((p) => ({ ...p, sizes: { ...p.sizes, [colId]: clamped } }))
  }

  const headingId = `${id}-heading`
  const total = expected
  const from = page * prefs.pageSize + 1
  const to = page * prefs.pageSize + data.length
  const sizeId = `${id}-page-size`

  return (
    <section className="rows-panel" id={id} aria-labelledby={headingId} data-testid="rows-panel">
      <header className="rows-head">
        <h3 id={headingId} className="rows-title">{heading}</h3>
        {total !== undefined && <span className="rows-count">{total.toLocaleString('en-US')} {total === 1 ? 'request' : 'requests'}</span>}
        <span className="rows-tools">
          {sort && (
            <button type="button" className="btn btn-quiet btn-small" onClick={() => onSort(undefined)} data-tip="Back to the default order (due date)">
              Sorted by {sorting.map((s) => `${columnSpec(s.id)?.label ?? s.id} ${s.desc ? '↓' : '↑'}`).join(', ')} <Icon name="close" />
            </button>
          )}
          <ColumnsPanel prefs={prefs} setPrefs={setPrefs} />
          {onClose && <IconButton label="Close these rows" icon="close" onClick={onClose} />}
        </span>
      </header>
      {rows.error !== undefined && (
        <Notice tone="danger" title="The requests could not be loaded"><p>{messageOf(rows.error)}</p></Notice>
      )}
      <div className="grid-scroll" aria-busy={rows.loading}>
        <table className="grid" style={{ width: table.getTotalSize() - actionsSize }} aria-labelledby={headingId} data-testid="rows-grid">
          <thead>
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id}>
                {hg.headers.map((h) => {
                  const c = h.column
                  const spec = columnSpec(c.id)
                  const sorted = c.getIsSorted()
                  const cls = [
                    c.id === selectId ? 'col-select' : c.id === actionsId ? 'col-actions' : '',
                    spec?.numeric ? 'num' : '',
                    dropAt?.id === c.id ? (dropAt.after ? 'drop-after' : 'drop-before') : '',
                    dragging === c.id ? 'is-dragging' : '',
                  ].filter(Boolean).join(' ')
                  return (
                    <th
                      key={h.id}
                      scope="col"
                      className={cls || undefined}
                      style={c.id === actionsId ? undefined : { width: h.getSize() }}
                      aria-sort={sorted ? (sorted === 'desc' ? 'descending' : 'ascending') : undefined}
                      draggable={canMove(c.id)}
                      onDragStart={(e) => onDragStart(e, c.id)}
                      onDragOver={(e) => onDragOver(e, c.id)}
                      onDragLeave={() => dropAt?.id === c.id && setDropAt(undefined)}
                      onDrop={(e) => onDrop(e, c.id)}
                      onDragEnd={() => { setDragging(undefined); setDropAt(undefined) }}
                      data-column={c.id}
                    >
                      {spec && c.getCanSort() ? (
                        <button type="button" className="th-sort" onClick={c.getToggleSortingHandler()}
                          data-tip={`Sort by ${spec.label}${sorted ? '' : ''} (Shift: add to the sort); drag to move`}>
                          <span className="th-label">{spec.label}</span>
                          <Icon name={sorted === 'desc' ? 'arrowDown' : 'arrowUp'} className={`th-sort-icon${sorted ? ' is-on' : ''}`} />
                          {sorted && table.state.sorting.length > 1 && <span className="th-sort-index">{c.getSortIndex() + 1}</span>}
                        </button>
                      ) : spec ? (
                        <span className="th-label th-plain" data-tip="Drag to move">{spec.label}</span>
                      ) : (
                        <table.FlexRender header={h} />
                      )}
                      {c.getCanResize() && (
                        <div
                          role="separator"
                          aria-orientation="vertical"
                          aria-label={`Resize ${spec?.label ?? c.id} (arrow keys)`}
                          aria-valuenow={h.getSize()}
                          aria-valuemin={50}
                          aria-valuemax={800}
                          tabIndex={0}
                          className={`resizer${c.getIsResizing() ? ' is-resizing' : ''}`}
                          onMouseDown={(e) => {
                            resizing.current = true
                            const stop = () => {
                              resizing.current = false
                              document.removeEventListener('mouseup', stop)
                            }
                            document.addEventListener('mouseup', stop)
                            h.getResizeHandler()(e)
                          }}
                          onTouchStart={(e) => h.getResizeHandler()(e)}
                          onDoubleClick={() => setPrefs((p) => {
                            const sizes = { ...p.sizes }
                            delete sizes[c.id]
                            return { ...p, sizes }
                          })}
                          onKeyDown={(e) => onResizeKey(e, c.id, h.getSize())}
                          onDragStart={(e) => e.preventDefault()}
                        />
                      )}
                    </th>
                  )
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <tr key={row.id} className={row.getIsSelected() ? 'is-selected' : undefined} data-id={row.id}>
                {row.getVisibleCells().map((cell) => {
                  const c = cell.column.id
                  const spec = columnSpec(c)
                  const cls = c === selectId ? 'col-select' : c === actionsId ? 'col-actions' : spec?.numeric ? 'num' : undefined
                  return (
                    <td key={cell.id} className={cls} data-column={c}>
                      <table.FlexRender cell={cell} />
                    </td>
                  )
                })}
              </tr>
            ))}
            {!rows.loading && rows.data && data.length === 0 && (
              <tr><td colSpan={visible.length + 2} className="empty">No request here.</td></tr>
            )}
          </tbody>
        </table>
      </div>
      <footer className="pager">
        <span className="pager-range" aria-live="polite">
          {data.length ? `Rows ${from.toLocaleString('en-US')}–${to.toLocaleString('en-US')}${total !== undefined ? ` of ${total.toLocaleString('en-US')}` : ''}` : rows.loading ? 'Loading…' : ''}
        </span>
        <label className="pager-size" htmlFor={sizeId}>
          Rows per page
          <select id={sizeId} value={prefs.pageSize} onChange={(e) => setPrefs((p) => ({ ...p, pageSize: Number(e.target.value) }))}>
            {pageSizes.map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </label>
        <button type="button" className="btn btn-small" disabled={page === 0 || rows.loading} onClick={() => setCursors((c) => c.slice(0, -1))}>
          <Icon name="chevronLeft" /> Previous
        </button>
        <button type="button" className="btn btn-small" disabled={!next || rows.loading} onClick={() => setCursors((c) => [...c, next])} data-testid="next-page">
          Next <Icon name="chevronRight" />
        </button>
      </footer>
    </section>
  )
}

function Checkbox({ label, checked, indeterminate = false, onClick, testId, tip }: {
  label: string
  tip?: string
  checked: boolean
  indeterminate?: boolean
  onClick: (e: unknown) => void
  testId?: string
}) {
  const ref = useRef<HTMLInputElement>(null)
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = indeterminate && !checked
  }, [indeterminate, checked])
  return (
    <input
      ref={ref}
      type="checkbox"
      className="row-check"
      aria-label={label}
      checked={checked}
      // The click carries Shift, which selects a range.
      onClick={onClick}
      onChange={() => undefined}
      data-testid={testId}
      data-tip={tip}
    />
  )
}
