// The modifier bar: pills of search modifiers and one input (a combobox)
// to add more. Typing offers modifiers and values at once ("kor" →
// Language: Korean, Country: Korea), dates for the date modifiers, IDs,
// and the title text; choosing a modifier lists its values from GET
// /v1/search/values. Pills are a draft until Enter (on an empty input) or
// the magnifier searches. A fulfillment partner's own pill is fixed.
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import {
  type Filter, type Modifier, type SearchValue, type SearchValues, allStatuses, filterParams, modifier, modifiers, sameFilters, valueName,
} from '../lib/search'
import { Icon } from '../ui'

interface Props {
  applied: Filter[]
  values?: SearchValues | undefined
  /** A fulfillment partner's own facility: always applied, not removable. */
  fixedPartner?: { code: string; name: string } | undefined
  onSearch: (filters: Filter[]) => void
  busy?: boolean
  /** The modifier the API refused, if any (its pill is marked). */
  invalid?: string | undefined
}

interface Option {
  id: string
  /** What the option does. */
  kind: 'modifier' | 'value' | 'add'
  key: string
  value?: string
  label: string
  detail?: string
  checked?: boolean
}

const dateLike = /^\d{4}(-\d{2}(-\d{2})?)?(\.\.(\d{4}(-\d{2}(-\d{2})?)?)?)?$/
const idLike = /^[0-9a-f]{8}-[0-9a-f-]{4,}$/i
const numberLike = /^\d+(,\s*\d+)*$/

function valuesOf(values: SearchValues | undefined, key: string): SearchValue[] {
  const list = values?.[key] ?? []
  if (key === 'status') return [{ code: allStatuses, name: 'All statuses (Cancelled too)', count: list.reduce((n, v) => n + v.count, 0) }, ...list]
  return list
}

function pillText(f: Filter, values: SearchValues | undefined): string {
  const m = modifier(f.key)
  if (m?.kind !== 'values') return f.values.map((v) => (m?.kind === 'text' ? `“${v}”` : v)).join(', ')
  return f.values.map((v) => (f.key === 'status' && v.toLowerCase() === 'all' ? 'All' : valueName(values, f.key, v))).join(', ')
}

function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
}

export function ModifierBar({ applied, values, fixedPartner, onSearch, busy, invalid }: Props) {
  const [draft, setDraft] = useState<Filter[]>(applied)
  const [text, setText] = useState('')
  const [open, setOpen] = useState(false)
  const [stage, setStage] = useState<string | null>(null) // a modifier being edited
  const [active, setActive] = useState(-1)
  const input = useRef<HTMLInputElement>(null)
  const bar = useRef<HTMLDivElement>(null)
  const listId = useId()
  const hintId = useId()

  // A search made elsewhere (a template, a bookmark, back/forward) replaces the draft.
  const appliedKey = filterParams(applied).toString()
  useEffect(() => {
    setDraft(applied)
    setStage(null)
  }, [appliedKey])

  // "/" anywhere on the page jumps to the modifier input.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return
      const t = e.target as HTMLElement | null
      if (t && (t.closest('input, textarea, select, [contenteditable=true]') || t.closest('dialog'))) return
      e.preventDefault()
      input.current?.focus()
      setOpen(true)
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [])

  const offered = useMemo(() => modifiers.filter((m) => !(fixedPartner && m.key === 'fulfillmentPartner')), [fixedPartner])
  const editing: Modifier | undefined = stage ? modifier(stage) : undefined
  const current = (key: string) => draft.find((f) => f.key === key)?.values ?? []

  const options = useMemo<Option[]>(() => {
    const q = text.trim()
    const fq = fold(q)
    if (editing) {
      const chosen = draft.find((f) => f.key === editing.key)?.values ?? []
      if (editing.kind === 'values') {
        const list = valuesOf(values, editing.key)
        const known = new Set(list.map((v) => v.code.toLowerCase()))
        const opts: Option[] = list
          .filter((v) => !fq || fold(v.name).includes(fq) || fold(v.code).includes(fq))
          .map((v) => ({
            id: `v-${v.code}`, kind: 'value', key: editing.key, value: v.code, label: v.name,
            detail: v.count.toLocaleString('en-US'), checked: chosen.some((c) => c.toLowerCase() === v.code.toLowerCase() || c.toLowerCase() === v.name.toLowerCase()),
          }))
        // Values in the URL that are not (or no longer) among the caller's values.
        for (const c of chosen) {
          if (!known.has(c.toLowerCase()) && !list.some((v) => v.name.toLowerCase() === c.toLowerCase())) {
            opts.push({ id: `v-${c}`, kind: 'value', key: editing.key, value: c, label: c, checked: true })
          }
        }
        return opts
      }
      const opts: Option[] = []
      if (q) opts.push({ id: 'add', kind: 'add', key: editing.key, value: q, label: `Add “${q}”`, detail: editing.label })
      for (const c of chosen) opts.push({ id: `v-${c}`, kind: 'value', key: editing.key, value: c, label: c, checked: true })
      return opts
    }
    if (!q) {
      return offered.map((m) => ({ id: `m-${m.key}`, kind: 'modifier', key: m.key, label: m.label, detail: m.hint }))
    }
    const opts: Option[] = []
    for (const m of offered) {
      if (fold(m.label).includes(fq)) opts.push({ id: `m-${m.key}`, kind: 'modifier', key: m.key, label: m.label, detail: m.hint })
    }
    let found = 0
    for (const m of offered) {
      if (m.kind !== 'values' || found >= 12) continue
      for (const v of valuesOf(values, m.key)) {
        if (found >= 12) break
        if (fold(v.name).includes(fq) || fold(v.code) === fq) {
          found++
          const on = current(m.key).some((c) => c.toLowerCase() === v.code.toLowerCase())
          opts.push({ id: `mv-${m.key}-${v.code}`, kind: 'value', key: m.key, value: v.code, label: `${m.label}: ${v.name}`, detail: on ? 'chosen' : v.count.toLocaleString('en-US'), checked: on })
        }
      }
    }
    if (dateLike.test(q)) {
      opts.push({ id: 'add-due', kind: 'add', key: 'dueDate', value: q, label: `Due Date: ${q}` })
      opts.push({ id: 'add-edd', kind: 'add', key: 'estimatedDeliveryDate', value: q, label: `Estimated Delivery Date: ${q}` })
    }
    if (idLike.test(q)) opts.push({ id: 'add-rid', kind: 'add', key: 'requestId', value: q, label: `Request ID: ${q}` })
    if (numberLike.test(q)) {
      opts.push({ id: 'add-mid', kind: 'add', key: 'movieId', value: q, label: `Movie ID: ${q}` })
      opts.push({ id: 'add-pid', kind: 'add', key: 'packageId', value: q, label: `Package ID: ${q}` })
    }
    opts.push({ id: 'add-title', kind: 'add', key: 'title', value: q, label: `Title contains “${q}”` })
    return opts
  }, [text, editing, draft, values, offered])

  // Typing makes the first option the one Enter takes; an empty input searches.
  useEffect(() => {
    setActive(text.trim() ? 0 : -1)
  }, [text, stage])

  const pending = !sameFilters(draft.filter((f) => f.values.length), applied)

  function setValues(key: string, next: string[]) {
    setDraft((d) => {
      const i = d.findIndex((f) => f.key === key)
      if (!next.length) return d.filter((f) => f.key !== key)
      if (i < 0) return [...d, { key, values: next }]
      return d.map((f) => (f.key === key ? { key, values: next } : f))
    })
  }

  function addValue(key: string, value: string) {
    const m = modifier(key)
    const vals = m?.kind === 'ids' ? value.split(',').map((s) => s.trim()).filter(Boolean) : [value]
    const now = current(key)
    const next = [...now]
    for (const v of vals) if (!next.some((x) => x.toLowerCase() === v.toLowerCase())) next.push(v)
    setValues(key, next)
  }

  function toggleValue(key: string, value: string) {
    const now = current(key)
    const has = now.some((x) => x.toLowerCase() === value.toLowerCase())
    if (has) {
      setValues(key, now.filter((x) => x.toLowerCase() !== value.toLowerCase()))
    } else if (key === 'status' && value === allStatuses) {
      setValues(key, [allStatuses]) // All stands alone
    } else {
      setValues(key, [...now.filter((x) => !(key === 'status' && x.toLowerCase() === 'all')), value])
    }
  }

  function choose(o: Option) {
    if (o.kind === 'modifier') {
      setStage(o.key)
      setText('')
    } else if (o.kind === 'add') {
      addValue(o.key, o.value ?? '')
      setText('')
    } else if (editing) {
      toggleValue(o.key, o.value ?? '')
    } else {
      if (!o.checked) addValue(o.key, o.value ?? '')
      setText('')
    }
    setOpen(true)
    input.current?.focus()
  }

  function search() {
    const filters = draft.filter((f) => f.values.length)
    setOpen(false)
    setStage(null)
    setText('')
    onSearch(filters)
  }

  function removePill(key: string) {
    setDraft((d) => d.filter((f) => f.key !== key))
    if (stage === key) setStage(null)
    input.current?.focus()
  }

  function editPill(key: string) {
    setStage(key)
    setText('')
    setOpen(true)
    input.current?.focus()
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    const n = options.length
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault()
        setOpen(true)
        if (n) setActive((a) => (a + 1) % n)
        break
      case 'ArrowUp':
        e.preventDefault()
        setOpen(true)
        if (n) setActive((a) => (a <= 0 ? n - 1 : a - 1))
        break
      case 'Enter': {
        e.preventDefault()
        const o = open && active >= 0 ? options[active] : undefined
        if (o) choose(o)
        else if (editing && text.trim() && editing.kind !== 'values') {
          addValue(editing.key, text.trim())
          setText('')
        } else search()
        break
      }
      case 'Escape':
        if (stage) {
          e.preventDefault()
          setStage(null)
          setText('')
        } else if (open) {
          e.preventDefault()
          setOpen(false)
        }
        break
      case 'Backspace':
        if (text) break
        if (stage) {
          setStage(null)
        } else if (draft.length) {
          removePill(draft[draft.length - 1]!.key)
        }
        break
      case 'Tab':
        setOpen(false)
        setStage(null)
        break
    }
  }

  const activeOption = open && active >= 0 ? options[active] : undefined
  const placeholder = editing
    ? editing.kind === 'values' ? `Filter ${editing.label} values…` : editing.kind === 'date' ? 'e.g. 2026, 2026-04, 2026-04-12 or 2026-04..2026-06' : editing.kind === 'ids' ? 'IDs, comma-separated' : 'Part of a title'
    : draft.length || fixedPartner ? 'Add a modifier…' : 'Add a modifier, or type a title, date or ID…'
  const hasStatus = draft.some((f) => f.key === 'status')

  return (
    <div className="modbar-wrap" ref={bar}
      onBlur={(e) => {
        if (!bar.current?.contains(e.relatedTarget as Node | null)) {
          setOpen(false)
          setStage(null)
        }
      }}
    >
      <div className={`modbar${pending ? ' modbar-pending' : ''}`} role="search" aria-label="Search modifiers" onMouseDown={(e) => {
        if (e.target === e.currentTarget || (e.target as HTMLElement).classList.contains('modbar-field')) {
          e.preventDefault()
          input.current?.focus()
          setOpen(true)
        }
      }}>
        <Icon name="search" className="modbar-icon" />
        <div className="modbar-field">
        {fixedPartner && (
          <span className="pill pill-fixed" data-testid="pill-fixed" data-tip="Your facility: always applied">
            <Icon name="lock" />
            <span className="pill-label">Fulfillment Partner:</span> <strong>{fixedPartner.name}</strong>
          </span>
        )}
        {draft.map((f) => {
          const m = modifier(f.key)
          const isApplied = applied.some((a) => a.key === f.key && filterParams([a]).toString() === filterParams([f]).toString())
          return (
            <span key={f.key} className={`pill${isApplied ? '' : ' pill-draft'}${stage === f.key ? ' pill-editing' : ''}${isApplied && invalid === f.key ? ' pill-invalid' : ''}`} data-testid={`pill-${f.key}`}>
              <button type="button" className="pill-body" onClick={() => editPill(f.key)} aria-label={`${m?.label ?? f.key}: ${pillText(f, values)}. Edit`}>
                <span className="pill-label">{m?.label ?? f.key}:</span> <strong>{pillText(f, values)}</strong>
              </button>
              <button type="button" className="pill-remove" aria-label={`Remove ${m?.label ?? f.key}`} data-tip={`Remove ${m?.label ?? f.key}`} onClick={() => removePill(f.key)}>
                <Icon name="close" />
              </button>
            </span>
          )
        })}
        {!hasStatus && (
          <button type="button" className="pill pill-default pill-body" onClick={() => editPill('status')} data-testid="pill-status-default"
            aria-label="Status: all but Cancelled (the default). Edit">
            <span className="pill-label">Status:</span> <strong>all but Cancelled</strong>
          </button>
        )}
        {editing && <span className="modbar-stage" aria-hidden="true">{editing.label}:</span>}
        <input
          ref={input}
          className="modbar-input"
          role="combobox"
          aria-label={editing ? `${editing.label}: ${editing.kind === 'values' ? 'choose values' : 'type a value, Enter adds it'}` : 'Add a search modifier'}
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={activeOption ? `${listId}-${activeOption.id}` : undefined}
          aria-describedby={hintId}
          placeholder={placeholder}
          value={text}
          onChange={(e) => {
            setText(e.target.value)
            setOpen(true)
          }}
          onFocus={() => setOpen(true)}
          onClick={() => setOpen(true)}
          onKeyDown={onKeyDown}
          data-testid="modifier-input"
        />
        </div>
        {(draft.length > 0 || text) && (
          <button type="button" className="btn-icon modbar-clear" aria-label="Clear the modifiers" data-tip="Clear the modifiers" onClick={() => {
            setDraft([])
            setText('')
            setStage(null)
            input.current?.focus()
          }}>
            <Icon name="close" />
          </button>
        )}
        <button type="button" className={`btn modbar-go${pending ? ' btn-primary' : ''}`} onClick={search} disabled={busy && !pending} data-testid="search-button" aria-label="Search">
          <Icon name="search" />
          <span aria-hidden="true">Search</span>
        </button>
      </div>
      <p id={hintId} className="modbar-hint" aria-live="polite">
        {pending ? 'Modifiers changed: press Enter or Search to apply them.' : editing ? editing.hint : 'Press / to add a modifier; Enter searches.'}
      </p>
      <div
        id={listId}
        role="listbox"
        aria-label={editing ? `${editing.label} values` : 'Modifiers and values'}
        aria-multiselectable={editing ? true : undefined}
        className="modbar-list"
        hidden={!open}
        onMouseDown={(e) => e.preventDefault() /* keep focus in the input */}
      >
        {editing && (
          <div className="modbar-list-head" role="presentation">
            <button type="button" className="btn-link" tabIndex={-1} onClick={() => { setStage(null); setText(''); input.current?.focus() }}>
              <Icon name="chevronLeft" /> All modifiers
            </button>
            <span>{editing.label}</span>
          </div>
        )}
        {options.length === 0 && (
          <div className="modbar-empty" role="presentation">
            {editing?.kind === 'values' ? (values ? 'No value matches.' : 'Loading values…') : editing ? 'Type a value, then press Enter.' : 'Nothing matches.'}
          </div>
        )}
        {options.map((o, i) => (
          <div
            key={o.id}
            id={`${listId}-${o.id}`}
            role="option"
            aria-selected={editing ? !!o.checked : i === active}
            className={`modbar-option${i === active ? ' is-active' : ''}${o.checked ? ' is-checked' : ''}`}
            onClick={() => choose(o)}
          >
            {editing && <span className="modbar-check" aria-hidden="true">{o.checked && <Icon name="check" />}</span>}
            {!editing && <Icon name={o.kind === 'modifier' ? 'plus' : o.checked ? 'check' : 'search'} className="modbar-option-icon" />}
            <span className="modbar-option-label">{o.label}</span>
            {o.detail && <span className="modbar-option-detail">{o.detail}</span>}
          </div>
        ))}
      </div>
    </div>
  )
}
