// The rows grid's columns: every field a search row carries (GET
// /v1/requests columns=…), how it reads, whether the API sorts by it, and
// the people's choice of columns, their order and widths, kept per browser.
import { useCallback, useState, type ReactNode } from 'react'
import { readPref, writePref } from '../lib/storage'
import { qcStatusName, transferStatusName } from '../details/format'
import { type SearchRow, type SearchValues, valueName } from '../lib/search'

export interface ColumnSpec {
  id: Exclude<keyof SearchRow, 'actions'>
  label: string
  /** The API's sort field (sort=…), when it sorts by this column. */
  sort?: string
  size: number
  /** Plain text of the cell (also its tooltip when cut short). */
  text: (row: SearchRow, values?: SearchValues) => string
  render?: (row: SearchRow, values?: SearchValues) => ReactNode
  numeric?: boolean
  mono?: boolean
}

const yesNo = (v?: boolean) => (v === undefined ? '' : v ? 'Yes' : 'No')

const insightNames: Record<string, string> = { critical: 'Critical', atRisk: 'At risk', onTrack: 'On track' }

/** 2026-12-04T17:00:00+01:00 → 2026-12-04 17:00 (the time in its own zone, as the API gives it). */
function dateTime(s?: string): string {
  if (!s) return ''
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(s)
  return m ? `${m[1]} ${m[2]}` : s
}

function stamp(s?: string): string {
  if (!s) return ''
  const d = new Date(s)
  if (Number.isNaN(d.getTime())) return s
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

function badge(kind: string, code: string | undefined, text: string): ReactNode {
  if (!code) return null
  return <span className={`badge badge-${kind}-${code.toLowerCase().replace(/_/g, '-')}`}>{text}</span>
}

export const columnSpecs: ColumnSpec[] = [
  { id: 'title', label: 'Title', sort: 'title', size: 270, text: (r) => r.title ?? '' },
  { id: 'id', label: 'Request ID', sort: 'id', size: 150, mono: true, text: (r) => r.id },
  { id: 'movieId', label: 'Movie ID', size: 100, numeric: true, text: (r) => (r.movieId === undefined ? '' : String(r.movieId)) },
  { id: 'movieType', label: 'Movie Type', size: 110, text: (r, v) => (r.movieType ? valueName(v, 'movieType', r.movieType) : '') },
  { id: 'isOriginal', label: 'Original', size: 80, text: (r) => yesNo(r.isOriginal) },
  { id: 'packageId', label: 'Package ID', size: 100, numeric: true, text: (r) => (r.packageId === undefined ? '' : String(r.packageId)) },
  { id: 'countries', label: 'Countries', size: 140, text: (r) => (r.countries ?? []).join(', ') },
  { id: 'sourceType', label: 'Source Type', sort: 'sourceType', size: 140, text: (r, v) => (r.sourceType ? valueName(v, 'sourceType', r.sourceType) : '') },
  { id: 'language', label: 'Language', sort: 'language', size: 130, text: (r, v) => (r.language ? valueName(v, 'language', r.language) : '') },
  { id: 'serviceType', label: 'Service Type', sort: 'serviceType', size: 110, text: (r, v) => (r.serviceType ? valueName(v, 'serviceType', r.serviceType) : '') },
  {
    id: 'status', label: 'Status', sort: 'status', size: 172,
    text: (r, v) => (r.status ? valueName(v, 'status', r.status) : ''),
    render: (r, v) => badge('status', r.status, r.status ? valueName(v, 'status', r.status) : ''),
  },
  {
    id: 'materialStatus', label: 'Material Status', sort: 'materialStatus', size: 140,
    text: (r, v) => (r.materialStatus ? valueName(v, 'materialStatus', r.materialStatus) : ''),
    render: (r, v) => badge('material', r.materialStatus, r.materialStatus ? valueName(v, 'materialStatus', r.materialStatus) : ''),
  },
  { id: 'materialsAvailable', label: 'Materials Available', size: 90, text: (r) => yesNo(r.materialsAvailable) },
  { id: 'dueDate', label: 'Due', sort: 'dueDate', size: 96, mono: true, text: (r) => r.dueDate ?? '' },
  { id: 'estimatedDeliveryDate', label: 'Est. Delivery', sort: 'estimatedDeliveryDate', size: 136, mono: true, text: (r) => dateTime(r.estimatedDeliveryDate) },
  { id: 'fulfillmentPartner', label: 'Fulfillment Partner', size: 150, text: (r, v) => (r.fulfillmentPartner ? valueName(v, 'fulfillmentPartner', r.fulfillmentPartner) : '') },
  { id: 'subAssignee', label: 'Subassignee', size: 130, text: (r, v) => (r.subAssignee ? valueName(v, 'fulfillmentPartner', r.subAssignee) : '') },
  { id: 'contentPartner', label: 'Content Partner', size: 150, text: (r, v) => (r.contentPartner ? valueName(v, 'contentPartner', r.contentPartner) : '') },
  { id: 'issues', label: 'Issues', size: 150, text: (r) => (r.issues ?? []).join(', ') },
  { id: 'deliveryStatus', label: 'Delivery', size: 150, text: (r) => (r.deliveryStatus ? transferStatusName(r.deliveryStatus) : '') },
  { id: 'qcStatus', label: 'QC', size: 130, text: (r) => (r.qcStatus ? qcStatusName(r.qcStatus) : '') },
  {
    id: 'insight', label: 'Insight', size: 84,
    text: (r) => (r.insight ? insightNames[r.insight] ?? r.insight : ''),
    render: (r) => (r.insight ? badge('insight', r.insight, insightNames[r.insight] ?? r.insight) : null),
  },
  { id: 'why', label: 'Why', size: 232, text: (r) => r.why ?? '' },
  { id: 'createdAt', label: 'Created', sort: 'createdAt', size: 140, mono: true, text: (r) => stamp(r.createdAt) },
  { id: 'updatedAt', label: 'Updated', sort: 'updatedAt', size: 140, mono: true, text: (r) => stamp(r.updatedAt) },
]

export function columnSpec(id: string): ColumnSpec | undefined {
  return columnSpecs.find((c) => c.id === id)
}

// Insight is left out: the bucket a row is in says it, and the why says more.
const defaultVisible = ['title', 'sourceType', 'language', 'status', 'materialStatus', 'dueDate', 'estimatedDeliveryDate', 'why']

/** The grid as a person arranged it: the columns' order, which are shown, their widths, the page size. */
export interface GridPrefs {
  order: string[]
  visible: string[]
  sizes: Record<string, number>
  pageSize: number
}

export const pageSizes = [25, 50, 100, 200, 500]

export function defaultGridPrefs(): GridPrefs {
  const order = [...defaultVisible, ...columnSpecs.map((c) => c.id).filter((id) => !defaultVisible.includes(id))]
  return { order, visible: [...defaultVisible], sizes: {}, pageSize: 50 }
}

const prefsKey = 'openlot.dashboard.grid.v1'

/** The kept arrangement, fitted to today's columns (new ones at the end, gone ones dropped). */
export function loadGridPrefs(): GridPrefs {
  const d = defaultGridPrefs()
  const p = readPref<Partial<GridPrefs>>(prefsKey)
  if (!p) return d
  const known = new Set(columnSpecs.map((c) => c.id as string))
  const order = (Array.isArray(p.order) ? p.order : []).filter((id) => known.has(id))
  for (const id of d.order) if (!order.includes(id)) order.push(id)
  const visible = Array.isArray(p.visible) ? p.visible.filter((id) => known.has(id)) : d.visible
  const sizes: Record<string, number> = {}
  for (const [id, n] of Object.entries(p.sizes ?? {})) if (known.has(id) && typeof n === 'number' && n >= 40 && n <= 1000) sizes[id] = n
  const pageSize = pageSizes.includes(p.pageSize ?? 0) ? p.pageSize! : d.pageSize
  return { order, visible: visible.length ? visible : d.visible, sizes, pageSize }
}

export function saveGridPrefs(p: GridPrefs) {
  writePref(prefsKey, p)
}

/** The grid's arrangement and its setter, which keeps every change in this browser. */
export function useGridPrefs(): [GridPrefs, (update: (p: GridPrefs) => GridPrefs) => void] {
  const [prefs, setPrefs] = useState(loadGridPrefs)
  const update = useCallback((fn: (p: GridPrefs) => GridPrefs) => {
    setPrefs((p) => {
      const next = fn(p)
      saveGridPrefs(next)
      return next
    })
  }, [])
  return [prefs, update]
}
