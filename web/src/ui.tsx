// Small shared pieces of the design system (styles in styles/components.css).
import type { ReactNode } from 'react'

type Tone = 'info' | 'danger' | 'success' | 'warning'

export function Notice({ tone = 'info', title, children }: { tone?: Tone; title: string; children?: ReactNode }) {
  return (
    <section className={`notice notice-${tone}`} role={tone === 'danger' ? 'alert' : 'status'}>
      <h2 className="notice-title">{title}</h2>
      {children}
    </section>
  )
}

export function Spinner({ label }: { label: string }) {
  return (
    <span className="spinner-wrap" role="status">
      <span className="spinner" aria-hidden="true" />
      <span className="sr-only">{label}</span>
    </span>
  )
}
