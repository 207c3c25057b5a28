// Small pieces of the details page: badges, actions shown from the API's
// `actions`, native <dialog>s (centred or as a side panel), label/value lists.
import { useEffect, useId, useRef, type ReactNode } from 'react'
import type { Action } from './types'

export type Tone = 'neutral' | 'info' | 'ok' | 'risk' | 'critical' | 'muted'

export function Badge({ tone = 'neutral', children, title }: { tone?: Tone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  )
}

/**
 * How an action is offered, from the API's answer alone: hidden when the
 * caller may never take it (code "forbidden") or the API says nothing of
 * it; greyed with the API's reason when not now; otherwise offered.
 * `unavailable` greys an allowed action this portal cannot take yet.
 */
export function offer(action: Action | undefined, unavailable?: string): 'hidden' | 'greyed' | 'offered' {
  if (!action || (!action.allowed && action.code === 'forbidden')) return 'hidden'
  if (!action.allowed || unavailable) return 'greyed'
  return 'offered'
}

interface ActionButtonProps {
  action: Action | undefined
  label: string
  onClick?: () => void
  primary?: boolean
  /** Why this portal cannot take the action yet, though the API would allow it. */
  unavailable?: string
  testId?: string
}

/** A button for one action of the API's `actions`: hidden, greyed with the reason, or offered. */
export function ActionButton({ action, label, onClick, primary, unavailable, testId }: ActionButtonProps) {
  const tipId = useId()
  const state = offer(action, unavailable)
  if (state === 'hidden') return null
  const cls = `btn btn-sm${primary ? ' btn-primary' : ''}`
  if (state === 'offered') {
    return (
      <button type="button" className={cls} onClick={onClick} data-action={testId}>
        {label}
      </button>
    )
  }
  const why = [action?.allowed ? '' : sentence(action?.reason), unavailable].filter(Boolean).join(' ') || 'Not available now.'
  return (
    <span className="why-wrap">
      <button type="button" className={cls} aria-disabled="true" aria-describedby={tipId} data-action={testId} data-greyed="">
        {label}
        <svg className="why-mark" viewBox="0 0 16 16" width="13" height="13" aria-hidden="true">
          <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.3" />
          <path d="M8 7.2v4M8 4.6v.1" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        </svg>
      </button>
      <span role="tooltip" id={tipId} className="why">
        {why}
      </span>
    </span>
  )
}

/** The API's reasons are clauses ("subassigning needs …"); shown alone, they read as sentences. */
function sentence(s?: string): string {
  if (!s) return ''
  const t = s.charAt(0).toUpperCase() + s.slice(1)
  return /[.!?]$/.test(t) ? t : t + '.'
}

interface DialogProps {
  title: string
  onClose: () => void
  children: ReactNode
  /** A side panel at the right edge instead of a centred dialog. */
  sheet?: boolean
  wide?: boolean
  testId?: string
}

/** A modal native <dialog>, open while rendered; Escape or the close button calls onClose. */
export function Dialog({ title, onClose, children, sheet, wide, testId }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const closeRef = useRef(onClose)
  closeRef.current = onClose

  useEffect(() => {
    const d = ref.current
    if (!d) return
    const opener = document.activeElement as HTMLElement | null
    if (!d.open) d.showModal()
    return () => {
      if (d.open) d.close()
      opener?.focus?.()
    }
  }, [])

  return (
    <dialog
      ref={ref}
      className={`dlg${sheet ? ' dlg-sheet' : ''}${wide ? ' dlg-wide' : ''}`}
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault()
        closeRef.current()
      }}
    >
      <header className="dlg-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="btn btn-quiet btn-icon" aria-label="Close" onClick={() => closeRef.current()}>
          <svg viewBox="0 0 16 16" aria-hidden="true" width="16" height="16"><path d="M3.5 3.5l9 9m0-9l-9 9" stroke="currentColor" strokeWidth="1.75" fill="none" /></svg>
        </button>
      </header>
      <div className="dlg-body">{children}</div>
    </dialog>
  )
}

/** A label/value list; rows with an empty value are left out. */
export function Fields({ rows, className }: { rows: [string, ReactNode][]; className?: string }) {
  const shown = rows.filter(([, v]) => v !== undefined && v !== null && v !== '' && v !== false)
  return (
    <dl className={`fields${className ? ' ' + className : ''}`}>
      {shown.map(([k, v]) => (
        <div key={k} className="field">
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  )
}

/** An ID in monospace with a button that copies it. */
export function CopyId({ value, label }: { value: string; label: string }) {
  return (
    <span className="copy-id">
      <code>{value}</code>
      <button
        type="button"
        className="btn btn-quiet btn-icon btn-xs"
        aria-label={`Copy ${label}`}
        title={`Copy ${label}`}
        onClick={() => void navigator.clipboard?.writeText(value).catch(() => undefined)}
      >
        <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><rect x="5" y="5" width="8" height="9" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.4" /><path d="M3.5 10.5V3.5a1 1 0 0 1 1-1h6" fill="none" stroke="currentColor" strokeWidth="1.4" /></svg>
      </button>
    </span>
  )
}

/**
 * Scrolls a card a link opened into view, unless its top is already in the
 * upper part of the window: the request's header stays in sight when it can.
 */
export function revealCard(el: HTMLElement | null) {
  if (!el) return
  const top = el.getBoundingClientRect().top
  const header = document.querySelector('.app-header')?.getBoundingClientRect().bottom ?? 0
  if (top < header || top > window.innerHeight * 0.5) el.scrollIntoView({ block: 'start' })
}
