// The asset list: materials grouped by asset type (a row per type that
// expands and collapses, with its checkbox and count), in a TanStack Table
// whose columns people resize and drag into order (kept per browser) and
// filter two ways from the header's menu: by words and by the values
// present in the column.
import { type DragEvent, type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from 'react'
import {
  type ColumnDef, type ColumnFiltersState, type Updater,
  columnFilteringFeature, columnOrderingFeature, columnResizingFeature, columnSizingFeature,
  createFilteredRowModel, tableFeatures, useTable,
} from '@tanstack/react-table'
import { Icon, Popover } from '../ui'
import {
  type ColumnFilterValue, type ColumnId, type ColumnSpec, type ListPrefs,
  columnSpec, columnSpecs, downloadedLabel, isActive, passes, titleText,
} from './model'
import type { AssetTypeGroup, Material } from './types'

const features = tableFeatures({
  columnOrderingFeature,
  columnSizingFeature,
  columnResizingFeature,
  columnFilteringFeature,
  filteredRowModel: createFilteredRowModel(),
})

type Column = ColumnDef<typeof features, Material>

const selectId = '_select'

function apply<T>(u: Updater<T>, old: T): T {
  return typeof u === 'function' ? (u as (o: T) => T)(old) : u
}

interface Props {
  /** The asset types to show, in order, each with its materials in this view. */
  types: { type: AssetTypeGroup; materials: Material[] }[]
  /** Show types that have nothing in this view (the All group). */
  showEmpty: boolean
  prefs: ListPrefs
  setPrefs: (fn: (p: ListPrefs) => ListPrefs) => void
  filters: ColumnFiltersState
  setFilters: (f: ColumnFiltersState) => void
  collapsed: ReadonlySet<string>
  onToggle: (assetType: string) => void
  selected: ReadonlySet<string>
  onSelect: (ids: string[], on: boolean) => void
  open?: string | undefined
  onOpen: (m: Material) => void
  ready: ReadonlySet<string>
  loading: boolean
}

export function AssetList(props: Props) {
  const { types, showEmpty, prefs, setPrefs, filters, setFilters, collapsed, onToggle, selected, onSelect, open, onOpen, ready, loading } = props
  const data = useMemo(() => types.flatMap((t) => t.materials), [types])
  const readyRef = useRef(ready)
  readyRef.current = ready

  const columns = useMemo<Column[]>(() => {
    const select: Column = { id: selectId, size: 40, enableResizing: false, enableColumnFilter: false, header: () => null }
    const cols: Column[] = columnSpecs.map((spec: ColumnSpec) => ({
      id: spec.id,
      accessorFn: (m: Material) => spec.text(m, readyRef.current),
      header: spec.label,
      size: spec.size,
      minSize: 60,
      maxSize: 700,
      filterFn: (row, _id, value: ColumnFilterValue) => passes(spec.text(row.original, readyRef.current), value),
    }))
    return [select, ...cols]
  }, [])

  const columnOrder = useMemo(() => [selectId, ...prefs.order], [prefs.order])
  const table = useTable({
    features,
    columns,
    data,
    getRowId: (m) => m.id,
    columnResizeMode: 'onChange',
    state: { columnOrder, columnSizing: prefs.sizes, columnFilters: filters },
    onColumnOrderChange: (u) => setPrefs((p) => ({ ...p, order: apply(u, columnOrder).filter((c): c is ColumnId => c !== selectId) })),
    onColumnSizingChange: (u) => setPrefs((p) => ({ ...p, sizes: apply(u, p.sizes) })),
    onColumnFiltersChange: (u) => setFilters(apply(u, filters)),
  })
  const shown = table.getRowModel().rows
  const shownIds = useMemo(() => new Set(shown.map((r) => r.id)), [shown])
  const filtering = filters.some((f) => isActive(f.value as ColumnFilterValue))

  // Drag a column header onto another to move it there (as on the dashboard).
  const [dragging, setDragging] = useState<string>()
  const [dropAt, setDropAt] = useState<{ id: string; after: boolean }>()
  const resizing = useRef(false)
  function onDragStart(e: DragEvent, colId: string) {
    if (resizing.current || colId === selectId) {
      e.preventDefault()
      return
    }
    setDragging(colId)
    e.dataTransfer.effectAllowed = 'move'
    e.dataTransfer.setData('text/plain', colId)
  }
  function onDragOver(e: DragEvent, colId: string) {
    if (!dragging || colId === selectId || colId === dragging) return
    e.preventDefault()
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect()
    const after = e.clientX > r.left + r.width / 2
    if (dropAt?.id !== colId || dropAt.after !== after) setDropAt({ id: colId, after })
  }
  function onDrop(e: DragEvent, colId: string) {
    e.preventDefault()
    const moving = (dragging ?? e.dataTransfer.getData('text/plain')) as ColumnId
    if (moving && moving !== colId && colId !== selectId) {
      const r = (e.currentTarget as HTMLElement).getBoundingClientRect()
      const after = e.clientX > r.left + r.width / 2
      setPrefs((p) => {
        const order = p.order.filter((c) => c !== moving)
        order.splice(order.indexOf(colId as ColumnId) + (after ? 1 : 0), 0, moving)
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
    setPrefs((p) => ({ ...p, sizes: { ...p.sizes, [colId]: Math.max(60, Math.min(700, n)) } }))
  }
  function moveColumn(colId: ColumnId, by: -1 | 1) {
    setPrefs((p) => {
      const order = [...p.order]
      const i = order.indexOf(colId)
      const j = i + by
      if (i < 0 || j < 0 || j >= order.length) return p
      ;[order[i], order[j]] = [order[j]!, order[i]!]
      return { ...p, order }
    })
  }

  const visibleTypes = types
    .map((t) => ({ ...t, rows: t.materials.filter((m) => shownIds.has(m.id)) }))
    .filter((t) => t.rows.length > 0 || (showEmpty && !filtering))
  const selectable = visibleTypes.flatMap((t) => t.rows.map((m) => m.id))
  const allOn = selectable.length > 0 && selectable.every((id) => selected.has(id))
  const someOn = selectable.some((id) => selected.has(id))
  const headers = table.getHeaderGroups()[0]?.headers ?? []
  const colCount = headers.length

  return (
    <>
    {filtering && (
      <p className="mat-filter-status" role="status" data-testid="filter-status">
        {shown.length} of {data.length} {data.length === 1 ? 'asset matches' : 'assets match'} the column filters
        <button type="button" className="btn-link" onClick={() => setFilters([])}>Clear column filters</button>
      </p>
    )}
    <div className="grid-scroll mat-scroll" aria-busy={loading}>
      <table className="grid mat-grid" style={{ width: table.getTotalSize() }} aria-label="Asset list" data-testid="asset-list">
        <thead>
          <tr>
            {headers.map((h) => {
              const c = h.column
              const spec = columnSpec(c.id)
              const cls = [
                c.id === selectId ? 'col-select' : '',
                dropAt?.id === c.id ? (dropAt.after ? 'drop-after' : 'drop-before') : '',
                dragging === c.id ? 'is-dragging' : '',
              ].filter(Boolean).join(' ')
              return (
                <th
                  key={h.id}
                  scope="col"
                  className={cls || undefined}
                  style={{ width: h.getSize() }}
                  draggable={c.id !== selectId}
                  onDragStart={(e) => onDragStart(e, c.id)}
                  onDragOver={(e) => onDragOver(e, c.id)}
                  onDragLeave={() => dropAt?.id === c.id && setDropAt(undefined)}
                  onDrop={(e) => onDrop(e, c.id)}
                  onDragEnd={() => { setDragging(undefined); setDropAt(undefined) }}
                  data-column={c.id}
                >
                  {c.id === selectId ? (
                    <Check
                      label="Select every available asset"
                      checked={allOn}
                      indeterminate={someOn && !allOn}
                      disabled={selectable.length === 0}
                      onChange={(on) => onSelect(selectable, on)}
                      testId="select-all"
                    />
                  ) : spec ? (
                    <span className="mat-th">
                      <span className="th-label th-plain" data-tip="Drag to move">{spec.label}</span>
                      <ColumnMenu
                        spec={spec}
                        values={[...new Set(data.map((m) => spec.text(m, ready)))].sort()}
                        value={c.getFilterValue() as ColumnFilterValue | undefined}
                        onChange={(v) => c.setFilterValue(v && isActive(v) ? v : undefined)}
                        onMove={(by) => moveColumn(spec.id, by)}
                        first={prefs.order[0] === spec.id}
                        last={prefs.order[prefs.order.length - 1] === spec.id}
                      />
                    </span>
                  ) : null}
                  {c.getCanResize() && spec && (
                    <div
                      role="separator"
                      aria-orientation="vertical"
                      aria-label={`Resize ${spec.label} (arrow keys)`}
                      aria-valuenow={h.getSize()}
                      aria-valuemin={60}
                      aria-valuemax={700}
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
                      data-testid={`resize-${spec.id}`}
                    />
                  )}
                </th>
              )
            })}
          </tr>
        </thead>
        {visibleTypes.map(({ type, rows }) => {
          const ids = rows.map((m) => m.id)
          const on = ids.length > 0 && ids.every((id) => selected.has(id))
          const some = ids.some((id) => selected.has(id))
          const isOpen = !collapsed.has(type.assetType)
          const empty = type.count === 0
          return (
            <tbody key={type.assetType} data-asset-type={type.assetType}>
              <tr className={`mat-type-row${empty ? ' is-empty' : ''}`} data-testid="type-row">
                <td className="col-select">
                  {!empty && ids.length > 0 && (
                    <Check label={`Select every ${type.name} asset`} checked={on} indeterminate={some && !on} onChange={(v) => onSelect(ids, v)} />
                  )}
                </td>
                <td colSpan={colCount - 1}>
                  <button
                    type="button"
                    className="mat-type-toggle"
                    aria-expanded={isOpen}
                    onClick={() => onToggle(type.assetType)}
                    disabled={rows.length === 0}
                  >
                    <Icon name={isOpen && rows.length ? 'chevronDown' : 'chevronRight'} />
                    <span className="mat-type-name">{type.name}</span>
                    <span className="mat-type-count">
                      {empty ? 'nothing to download' : rows.length === type.count ? `${type.count}` : `${rows.length} of ${type.count}`}
                    </span>
                  </button>
                </td>
              </tr>
              {isOpen && rows.map((m) => (
                <tr
                  key={m.id}
                  className={[selected.has(m.id) ? 'is-selected' : '', open === m.id ? 'is-open' : ''].filter(Boolean).join(' ') || undefined}
                  data-id={m.id}
                  data-testid="asset-row"
                >
                  {headers.map((h) => {
                    const id = h.column.id
                    if (id === selectId) {
                      return (
                        <td key={id} className="col-select">
                          <Check label={`Select ${m.fileName}`} checked={selected.has(m.id)} onChange={(v) => onSelect([m.id], v)} testId="asset-select" />
                        </td>
                      )
                    }
                    return <td key={id} data-column={id}>{cell(id as ColumnId, m, ready, onOpen)}</td>
                  })}
                </tr>
              ))}
            </tbody>
          )
        })}
        {!loading && visibleTypes.length === 0 && (
          <tbody>
            <tr><td colSpan={colCount} className="empty">{filtering ? 'No asset matches the filters.' : 'No asset in this group.'}</td></tr>
          </tbody>
        )}
      </table>
    </div>
    </>
  )
}

function cell(id: ColumnId, m: Material, ready: ReadonlySet<string>, onOpen: (m: Material) => void) {
  switch (id) {
    case 'assetTitle':
      return (
        <button type="button" className="mat-open" onClick={() => onOpen(m)} data-tip="Asset details">
          <span className="cell-text">{titleText(m)}</span>
          <span className="mat-version">v{m.version}</span>
        </button>
      )
    case 'fileName':
      return <span className="cell-text mono" title={m.fileName}>{m.fileName}</span>
    case 'qc':
      return m.qc ? <span className={`badge mat-qc-${m.qc.toLowerCase().replace(/_/g, '-')}`}>{m.qcName}</span> : null
    case 'newlyAdded':
      return m.newlyAdded ? <span className="badge mat-new">Newly Added</span> : null
    case 'downloaded': {
      const label = downloadedLabel(m, ready)
      return label ? <span className={`badge mat-dl-${label.toLowerCase()}`} data-testid="downloaded-label">{label}</span> : null
    }
    case 'deliveredOn':
      return <span className="cell-text">{columnSpec('deliveredOn')!.text(m, ready)}</span>
  }
}

function Check({ label, checked, indeterminate = false, disabled, onChange, testId }: {
  label: string
  checked: boolean
  indeterminate?: boolean
  disabled?: boolean
  onChange: (on: boolean) => void
  testId?: string
}) {
  const ref = useRef<HTMLInputElement>(null)
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = indeterminate
  }, [indeterminate])
  return (
    <input
      ref={ref}
      type="checkbox"
      className="row-check"
      aria-label={label}
      checked={checked}
      disabled={disabled}
      onChange={(e) => onChange(e.currentTarget.checked)}
      data-testid={testId}
    />
  )
}

const funnel = 'M4 5h16l-6 7.5V19l-4-2v-4.5z'

/** A column's menu: a text filter, the values present (a checkbox each), and moving the column by keyboard. */
function ColumnMenu({ spec, values, value, onChange, onMove, first, last }: {
  spec: ColumnSpec
  values: string[]
  value: ColumnFilterValue | undefined
  onChange: (v: ColumnFilterValue | undefined) => void
  onMove: (by: -1 | 1) => void
  first: boolean
  last: boolean
}) {
  const id = useId().replace(/:/g, '')
  const button = useRef<HTMLButtonElement>(null)
  const [open, setOpen] = useState(false)
  const active = isActive(value)
  const text = value?.text ?? ''
  const chosen = value?.values ?? null
  const name = (v: string) => v || '(blank)'
  const toggle = (v: string, on: boolean) => {
    const base = chosen ?? values
    const next = on ? [...new Set([...base, v])] : base.filter((x) => x !== v)
    onChange({ text, values: next.length === values.length && values.every((x) => next.includes(x)) ? null : next })
  }
  return (
    <>
      <button
        ref={button}
        type="button"
        className={`mat-filter-btn${active ? ' is-active' : ''}`}
        aria-label={`Filter ${spec.label}${active ? ' (filtered)' : ''}`}
        aria-expanded={open}
        data-tip={`Filter ${spec.label}`}
        popoverTarget={`${id}-menu`}
        data-testid={`filter-${spec.id}`}
      >
        <svg className="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d={funnel} fill={active ? 'currentColor' : 'none'} /></svg>
      </button>
      <Popover id={`${id}-menu`} anchor={button} open={open} onOpenChange={setOpen} label={`Filter ${spec.label}`} className="mat-filter-pop">
        <label className="mat-filter-text">
          <span>Contains</span>
          <input
            type="text"
            value={text}
            placeholder="Any word in the column"
            onChange={(e) => onChange({ text: e.currentTarget.value, values: chosen })}
            data-testid={`filter-text-${spec.id}`}
          />
        </label>
        <fieldset className="mat-filter-values">
          <legend>Values</legend>
          <div className="mat-filter-list">
            {values.map((v) => (
              <label key={v}>
                <input type="checkbox" checked={chosen === null || chosen.includes(v)} onChange={(e) => toggle(v, e.currentTarget.checked)} />
                <span>{name(v)}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="mat-filter-foot">
          <button type="button" className="btn btn-small" onClick={() => onMove(-1)} disabled={first}>Move left</button>
          <button type="button" className="btn btn-small" onClick={() => onMove(1)} disabled={last}>Move right</button>
          <button type="button" className="btn btn-small" onClick={() => onChange(undefined)} disabled={!active}>Clear</button>
        </div>
      </Popover>
    </>
  )
}
