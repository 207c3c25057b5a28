// The Overview panel: Request, Package and Title details, each a collapsible
// section; the panel is resized by dragging (or arrow keys on) its border
// and hidden with its Hide button. Width and hidden are kept per browser.
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react'
import { Link } from 'react-router'
import { usePartnerNames } from './data'
import {
  countryName, day, estimated, languageName, materialStatusName, movieTypeName, serviceTypeName, sourceTypeName, when,
} from './format'
import { Badge, CopyId, Fields } from './parts'
import type { Details } from './types'

const storeKey = 'openlot.details.overview'
const minWidth = 260
const maxWidth = 640
const defaultWidth = 360

interface Layout {
  width: number
  hidden: boolean
}

function loadLayout(): Layout {
  try {
    const v = JSON.parse(localStorage.getItem(storeKey) ?? '{}') as Partial<Layout>
    return { width: clamp(Number(v.width) || defaultWidth), hidden: v.hidden === true }
  } catch {
    return { width: defaultWidth, hidden: false }
  }
}

function clamp(w: number): number {
  return Math.round(Math.min(maxWidth, Math.max(minWidth, w)))
}

export function Overview({ details }: { details: Details }) {
  const [layout, setLayout] = useState(loadLayout)
  const drag = useRef<{ x: number; width: number } | null>(null)

  useEffect(() => {
    localStorage.setItem(storeKey, JSON.stringify(layout))
  }, [layout])

  const setWidth = useCallback((w: number) => setLayout((l) => ({ ...l, width: clamp(w) })), [])

  function onPointerDown(e: PointerEvent<HTMLDivElement>) {
    drag.current = { x: e.clientX, width: layout.width }
    e.currentTarget.setPointerCapture(e.pointerId)
  }
  function onPointerMove(e: PointerEvent<HTMLDivElement>) {
    if (drag.current) setWidth(drag.current.width + e.clientX - drag.current.x)
  }
  function onPointerUp() {
    drag.current = null
  }
  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const step = e.shiftKey ? 64 : 16
    if (e.key === 'ArrowLeft') setWidth(layout.width - step)
    else if (e.key === 'ArrowRight') setWidth(layout.width + step)
    else if (e.key === 'Home') setWidth(minWidth)
    else if (e.key === 'End') setWidth(maxWidth)
    else return
    e.preventDefault()
  }

  if (layout.hidden) {
    return (
      <aside className="ov ov-hidden" aria-label="Overview">
        <button
          type="button"
          className="btn btn-sm ov-show"
          aria-expanded="false"
          aria-controls="overview-panel"
          onClick={() => setLayout((l) => ({ ...l, hidden: false }))}
        >
          <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="M6 3l5 5-5 5" fill="none" stroke="currentColor" strokeWidth="1.75" /></svg>
          Overview
        </button>
      </aside>
    )
  }

  return (
    <>
      <aside
        className="ov"
        id="overview-panel"
        aria-labelledby="overview-title"
        style={{ width: layout.width }}
        data-testid="overview"
      >
        <div className="ov-head">
          <h2 id="overview-title" className="ov-title">Overview</h2>
          <button
            type="button"
            className="btn btn-quiet btn-sm"
            aria-expanded="true"
            aria-controls="overview-panel"
            onClick={() => setLayout((l) => ({ ...l, hidden: true }))}
          >
            Hide
          </button>
        </div>
        <RequestSection details={details} />
        <PackageSection details={details} />
        <TitleSection details={details} />
      </aside>
      <div
        className="ov-resize"
        role="separator"
        aria-orientation="vertical"
        aria-label="Resize the overview"
        aria-controls="overview-panel"
        aria-valuemin={minWidth}
        aria-valuemax={maxWidth}
        aria-valuenow={layout.width}
        tabIndex={0}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onKeyDown={onKeyDown}
        onDoubleClick={() => setWidth(defaultWidth)}
      />
    </>
  )
}

function Section({ title, children, testId }: { title: string; children: ReactNode; testId: string }) {
  return (
    <details className="ov-section" open data-testid={testId}>
      <summary>
        <h3>{title}</h3>
      </summary>
      <div className="ov-section-body">{children}</div>
    </details>
  )
}

function RequestSection({ details }: { details: Details }) {
  const r = details.request
  const names = usePartnerNames()
  const partner = (id?: string) => (id ? (names?.get(id) ?? id) : '')
  const broadcast = details.title && (details.title.dayOfBroadcast || details.title.dayAfterBroadcast)
  return (
    <Section title="Request details" testId="overview-request">
      <Fields
        rows={[
          ['Request ID', <CopyId key="id" value={r.id} label="request ID" />],
          ['Source type', sourceTypeName(r.sourceType)],
          ['Language', languageName(r.language)],
          ['Service type', serviceTypeName(r.serviceType)],
          ['Material status', materialStatusName(r.materialStatus)],
          ['Materials available', r.materialsAvailable ? 'Marked available by the studio' : ''],
          ['Due date', day(r.dueDate)],
          ['Estimated delivery', estimated(r.estimatedDeliveryDate, r.estimatedDeliveryTimeZone) || 'Not set'],
          ['Fulfillment partner', partner(r.fulfillmentPartner)],
          ['Subassigned to', partner(r.subAssignee)],
          ['Content partner', partner(r.contentPartner)],
          ['Day of Broadcast', broadcast && details.title?.dayOfBroadcast ? 'Yes (DOB)' : ''],
          ['Day After Broadcast', broadcast && details.title?.dayAfterBroadcast ? 'Yes (DAB)' : ''],
          [
            'Issues',
            r.issues?.length ? (
              <span className="badge-list">
                {r.issues.map((i) => (
                  <Badge key={i} tone="risk">{i}</Badge>
                ))}
              </span>
            ) : '',
          ],
          ['Upgraded from', r.upgradedFrom ? <Link to={`/requests/${r.upgradedFrom}`}>Earlier request</Link> : ''],
          ['Upgraded to', r.upgradedTo ? <Link to={`/requests/${r.upgradedTo}`}>New request</Link> : ''],
          ['Created', when(r.createdAt)],
          ['Last changed', r.updatedAt && r.updatedAt !== r.createdAt ? when(r.updatedAt) : ''],
        ]}
      />
    </Section>
  )
}

function PackageSection({ details }: { details: Details }) {
  const p = details.package
  const countries = (p?.countries ?? []).map((c) => ({ code: c, name: countryName(c) }))
  countries.sort((a, b) => a.name.localeCompare(b.name))
  return (
    <Section title="Package details" testId="overview-package">
      <Fields
        rows={[
          ['Package ID', String(p?.id ?? details.request.packageId)],
          [
            'Countries',
            countries.length ? (
              <details className="countries" data-testid="countries">
                <summary>{countries.length === 1 ? '1 country' : `${countries.length} countries`}</summary>
                <ul>
                  {countries.map((c) => (
                    <li key={c.code}>
                      {c.name} <span className="muted">({c.code})</span>
                    </li>
                  ))}
                </ul>
              </details>
            ) : 'None listed',
          ],
        ]}
      />
    </Section>
  )
}

function TitleSection({ details }: { details: Details }) {
  const t = details.title
  const r = details.request
  return (
    <Section title="Title details" testId="overview-title">
      <Fields
        rows={[
          ['Title', t?.name ?? r.title],
          ['Release year', t?.releaseYear ? String(t.releaseYear) : ''],
          ['Movie ID', String(t?.movieId ?? r.movieId)],
          ['Movie type', movieTypeName(t?.movieType)],
          ['Original', t ? (t.isOriginal ? 'Yes' : 'No') : ''],
          ['Day of Broadcast (DOB)', t ? (t.dayOfBroadcast ? 'Yes' : 'No') : ''],
          ['Day After Broadcast (DAB)', t ? (t.dayAfterBroadcast ? 'Yes' : 'No') : ''],
        ]}
      />
    </Section>
  )
}
