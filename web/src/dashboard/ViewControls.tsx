// The view's controls beside the modifier bar: Group By (several, nested,
// in the order chosen) and saved templates (the star saves the current
// modifiers and groupings under a name; the list applies or deletes them).
import { useId, useRef, useState } from 'react'
import { ApiError } from '../lib/api'
import { type SearchValues, type View, canonicalQuery, groupField, groupFields, modifier, templateQuery, valueName, viewOf } from '../lib/search'
import { useLoad } from '../lib/useLoad'
import { messageOf, useSession } from '../session'
import { Icon, IconButton, Popover, toast } from '../ui'

export function GroupBy({ group: applied, onChange }: { group: string[]; onChange: (group: string[]) => void }) {
  const id = useId().replace(/:/g, '')
  const button = useRef<HTMLButtonElement>(null)
  const [open, setOpen] = useState(false)
  // The choice shows at once, while the URL (and so applied) follows a moment later.
  const [chosen, setChosen] = useState<{ for: string[]; group: string[] }>()
  const group = chosen && chosen.for === applied ? chosen.group : applied
  const toggle = (key: string) => {
    const next = group.includes(key) ? group.filter((g) => g !== key) : [...group, key]
    setChosen({ for: applied, group: next })
    onChange(next)
  }
  return (
    <div className="groupby">
      <button ref={button} type="button" className={`btn${group.length ? ' btn-on' : ''}`} popoverTarget={id} aria-expanded={open} data-testid="group-by">
        <Icon name="group" />
        Group by
        {group.length > 0 && <span className="count-chip">{group.length}</span>}
      </button>
      {group.length > 0 && (
        <ol className="group-chain" aria-label="Grouped by, outermost first">
          {group.map((g, i) => (
            <li key={g} className="group-chip">
              {i > 0 && <Icon name="chevronRight" className="group-sep" />}
              <span>{groupField(g)?.label ?? g}</span>
              <button type="button" className="chip-remove" aria-label={`Stop grouping by ${groupField(g)?.label ?? g}`} data-tip="Remove this grouping" onClick={() => toggle(g)}>
                <Icon name="close" />
              </button>
            </li>
          ))}
        </ol>
      )}
      <Popover id={id} anchor={button} open={open} onOpenChange={setOpen} label="Group by" className="panel groupby-panel">
        <p className="panel-title">Group by <span className="muted">(in the order you pick)</span></p>
        <ul className="check-list">
          {groupFields.map((f) => {
            const at = group.indexOf(f.key)
            return (
              <li key={f.key}>
                <label className="check-row">
                  <input type="checkbox" checked={at >= 0} onChange={() => toggle(f.key)} />
                  <span>{f.label}</span>
                  {at >= 0 && <span className="order-chip" aria-label={`level ${at + 1}`}>{at + 1}</span>}
                </label>
              </li>
            )
          })}
        </ul>
        {group.length > 0 && (
          <button type="button" className="btn btn-quiet btn-small" onClick={() => onChange([])}>No grouping</button>
        )}
      </Popover>
    </div>
  )
}

interface Template {
  name: string
  query: string
  updatedAt: string
}

/** What a template's query reads as: "Source Type: Subtitle · Language: Korean, grouped by Status". */
function summary(query: string, values?: SearchValues): string {
  const v = viewOf(new URLSearchParams(query))
  const mods = v.filters.map((f) => {
    const m = modifier(f.key)
    const vals = f.values.map((x) => (m?.kind === 'values' ? valueName(values, f.key, x) : x)).join(', ')
    return `${m?.label ?? f.key}: ${vals}`
  })
  const parts = [mods.length ? mods.join(' · ') : 'No modifiers']
  if (v.group.length) parts.push(`grouped by ${v.group.map((g) => groupField(g)?.label ?? g).join(' › ')}`)
  return parts.join(', ')
}

export function Templates({ view, values, onApply }: { view: View; values?: SearchValues | undefined; onApply: (query: string) => void }) {
  const { api } = useSession()
  const list = useLoad('templates', (s) => api.get<{ templates: Template[] }>('/v1/templates', undefined, s))
  const templates = list.data?.templates ?? []
  const here = canonicalQuery(templateQuery(view))
  const current = templates.find((t) => canonicalQuery(t.query) === here)

  const saveId = useId().replace(/:/g, '')
  const listId = useId().replace(/:/g, '')
  const star = useRef<HTMLSpanElement>(null)
  const listButton = useRef<HTMLButtonElement>(null)
  const [saveOpen, setSaveOpen] = useState(false)
  const [listOpen, setListOpen] = useState(false)
  const [name, setName] = useState('')
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string>()
  const [confirm, setConfirm] = useState<string>()
  const nameId = useId()

  async function save() {
    const n = name.trim()
    if (!n || saving) return
    setSaving(true)
    setError(undefined)
    try {
      await api.put(`/v1/templates/${encodeURIComponent(n)}`, { query: templateQuery(view) })
      setSaveOpen(false)
      toast(`Saved the template “${n}”.`)
      list.reload()
    } catch (e) {
      setError(e instanceof ApiError ? e.message : messageOf(e))
    } finally {
      setSaving(false)
    }
  }

  async function remove(n: string) {
    try {
      await api.delete(`/v1/templates/${encodeURIComponent(n)}`)
      toast(`Deleted the template “${n}”.`)
      setConfirm(undefined)
      list.reload()
    } catch (e) {
      toast(`The template “${n}” could not be deleted: ${messageOf(e)}`, 'danger')
    }
  }

  return (
    <div className="templates">
      <span ref={star} className="star-wrap">
        <IconButton
          label={current ? `Saved as “${current.name}”: save again under a name` : 'Save this view as a template'}
          icon="star"
          filled={!!current}
          className={current ? 'is-starred' : ''}
          popoverTarget={saveId}
          expanded={saveOpen}
          testId="template-star"
          onClick={() => {
            setName(current?.name ?? '')
            setError(undefined)
          }}
        />
      </span>
      <Popover id={saveId} anchor={star} open={saveOpen} onOpenChange={setSaveOpen} label="Save as a template" className="panel template-save" align="end">
        <form onSubmit={(e) => { e.preventDefault(); void save() }}>
          <p className="panel-title">Save as a template</p>
          <p className="muted panel-note">Keeps the modifiers and groupings: {summary(templateQuery(view), values)}.</p>
          <div className="field">
            <label htmlFor={nameId}>Name</label>
            <input id={nameId} value={name} onChange={(e) => setName(e.target.value)} maxLength={64} required autoFocus data-testid="template-name" />
          </div>
          {templates.some((t) => t.name === name.trim()) && <p className="field-hint">Replaces the template of that name.</p>}
          {error && <p className="field-error" role="alert">{error}</p>}
          <div className="panel-actions">
            <button type="button" className="btn" onClick={() => setSaveOpen(false)}>Close</button>
            <button type="submit" className="btn btn-primary" disabled={saving || !name.trim()}>{saving ? 'Saving…' : 'Save'}</button>
          </div>
        </form>
      </Popover>
      <button ref={listButton} type="button" className="btn" popoverTarget={listId} aria-expanded={listOpen} data-testid="templates-button">
        Templates
        {templates.length > 0 && <span className="count-chip">{templates.length}</span>}
        <Icon name="chevronDown" />
      </button>
      <Popover id={listId} anchor={listButton} open={listOpen} onOpenChange={(o) => { setListOpen(o); if (!o) setConfirm(undefined) }} label="Saved templates" className="panel template-list" align="end">
        <p className="panel-title">Saved templates</p>
        {list.error !== undefined && <p className="field-error">{messageOf(list.error)}</p>}
        {!list.data && list.loading && <p className="muted">Loading…</p>}
        {list.data && templates.length === 0 && <p className="muted panel-note">None yet. The star saves the current modifiers and groupings under a name.</p>}
        <ul className="template-items">
          {templates.map((t) => (
            <li key={t.name} className={`template-item${t === current ? ' is-current' : ''}`} data-testid="template-item">
              {confirm === t.name ? (
                <div className="template-confirm">
                  <span>Delete “{t.name}”?</span>
                  <button type="button" className="btn btn-small btn-danger" onClick={() => void remove(t.name)}>Delete</button>
                  <button type="button" className="btn btn-small" onClick={() => setConfirm(undefined)}>Keep</button>
                </div>
              ) : (
                <>
                  <button type="button" className="template-apply" onClick={() => { setListOpen(false); onApply(t.query) }}>
                    <span className="template-name">{t === current && <Icon name="star" filled />}{t.name}</span>
                    <span className="template-summary" title={summary(t.query, values)}>{summary(t.query, values)}</span>
                  </button>
                  <IconButton label={`Delete the template “${t.name}”`} icon="trash" onClick={() => setConfirm(t.name)} />
                </>
              )}
            </li>
          ))}
        </ul>
      </Popover>
    </div>
  )
}
