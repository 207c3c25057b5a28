// Customize Columns: choose the grid's columns and put them in order, by
// dragging a label above or below another, or with the arrow buttons (kept
// per browser, whatever template or bookmark is applied).
import { type DragEvent, useId, useRef, useState } from 'react'
import { Icon, IconButton, Popover } from '../ui'
import { type GridPrefs, columnSpec, defaultGridPrefs } from './columns'

export function ColumnsPanel({ prefs, setPrefs }: { prefs: GridPrefs; setPrefs: (fn: (p: GridPrefs) => GridPrefs) => void }) {
  const id = useId().replace(/:/g, '')
  const button = useRef<HTMLButtonElement>(null)
  const [open, setOpen] = useState(false)
  const [dragging, setDragging] = useState<string>()
  const [over, setOver] = useState<{ id: string; after: boolean }>()
  const shown = prefs.visible.length

  const move = (col: string, to: number) =>
    setPrefs((p) => {
      const order = p.order.filter((c) => c !== col)
      order.splice(Math.max(0, Math.min(order.length, to)), 0, col)
      return { ...p, order }
    })
  const toggle = (col: string) =>
    setPrefs((p) => {
      const on = p.visible.includes(col)
      if (on && p.visible.length === 1) return p // one column stays
      const visible = on ? p.visible.filter((c) => c !== col) : p.order.filter((c) => c === col || p.visible.includes(c))
      return { ...p, visible }
    })

  const where = (e: DragEvent) => {
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect()
    return e.clientY > r.top + r.height / 2
  }

  return (
    <>
      <button ref={button} type="button" className="btn btn-small" popoverTarget={id} aria-expanded={open} data-testid="columns-button">
        <Icon name="columns" /> Columns <span className="count-chip">{shown}</span>
      </button>
      <Popover id={id} anchor={button} open={open} onOpenChange={setOpen} label="Customize columns" className="panel columns-panel" align="end">
        <p className="panel-title">Customize columns</p>
        <p className="muted panel-note">Drag a column (or use the arrows) to reorder. Kept in this browser.</p>
        <ol className="column-list" data-testid="column-list">
          {prefs.order.map((col, i) => {
            const spec = columnSpec(col)
            if (!spec) return null
            const on = prefs.visible.includes(col)
            const cls = ['column-item', dragging === col ? 'is-dragging' : '', over?.id === col ? (over.after ? 'drop-after' : 'drop-before') : ''].filter(Boolean).join(' ')
            return (
              <li
                key={col}
                className={cls}
                draggable
                data-column={col}
                onDragStart={(e) => {
                  setDragging(col)
                  e.dataTransfer.effectAllowed = 'move'
                  e.dataTransfer.setData('text/plain', col)
                }}
                onDragOver={(e) => {
                  if (!dragging || dragging === col) return
                  e.preventDefault()
                  const after = where(e)
                  if (over?.id !== col || over.after !== after) setOver({ id: col, after })
                }}
                onDrop={(e) => {
                  e.preventDefault()
                  const moving = dragging ?? e.dataTransfer.getData('text/plain')
                  if (moving && moving !== col) {
                    const after = where(e)
                    setPrefs((p) => {
                      const order = p.order.filter((c) => c !== moving)
                      order.splice(order.indexOf(col) + (after ? 1 : 0), 0, moving)
                      return { ...p, order }
                    })
                  }
                  setDragging(undefined)
                  setOver(undefined)
                }}
                onDragEnd={() => { setDragging(undefined); setOver(undefined) }}
              >
                <Icon name="grip" className="grip" />
                <label className="check-row">
                  <input type="checkbox" checked={on} onChange={() => toggle(col)} disabled={on && shown === 1} />
                  <span>{spec.label}</span>
                </label>
                <span className="column-moves">
                  <IconButton label={`Move ${spec.label} up`} icon="arrowUp" disabled={i === 0} onClick={() => move(col, i - 1)} />
                  <IconButton label={`Move ${spec.label} down`} icon="arrowDown" disabled={i === prefs.order.length - 1} onClick={() => move(col, i + 1)} />
                </span>
              </li>
            )
          })}
        </ol>
        <div className="panel-actions">
          <button type="button" className="btn btn-small" onClick={() => setPrefs((p) => ({ ...defaultGridPrefs(), pageSize: p.pageSize }))}>Reset to default</button>
        </div>
      </Popover>
    </>
  )
}
