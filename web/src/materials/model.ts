// The Download Materials page's model: the groups of the left panel, the
// asset list's columns (their text, filters and widths kept per browser),
// and what a row's labels read. Every label comes from the API's flags
// (newlyAdded, downloaded, count); nothing here decides what may be
// downloaded.
import { when } from '../details/format'
import { readPref, writePref } from '../lib/storage'
import type { AssetTypeGroup, Material, MaterialsAnswer } from './types'

export type GroupKey = 'downloaded' | 'new' | 'available' | 'all'

export const groups: { key: GroupKey; label: string; help: string }[] = [
  { key: 'downloaded', label: 'My Downloaded', help: 'Assets you started downloading (the newest version of each).' },
  { key: 'new', label: 'Newly Added/Updated', help: 'Delivered, or QC status updated, in the last 7 days.' },
  { key: 'available', label: 'All Available Materials', help: 'Every asset you may download now.' },
  { key: 'all', label: 'All', help: 'Every asset type, with or without files to download.' },
]

export function isGroup(v: string | null): v is GroupKey {
  return groups.some((g) => g.key === v)
}

/** Whether m belongs to group g, by the API's flags. */
export function inGroup(m: Material, g: GroupKey): boolean {
  if (g === 'downloaded') return !!m.downloaded
  if (g === 'new') return m.newlyAdded
  return true
}

export function materialsOf(a?: MaterialsAnswer): Material[] {
  return (a?.assetTypes ?? []).flatMap((t) => t.materials ?? [])
}

export function typesOf(a?: MaterialsAnswer): AssetTypeGroup[] {
  return a?.assetTypes ?? []
}

// ------------------------------------------------------------ columns

export type ColumnId = 'assetTitle' | 'fileName' | 'qc' | 'newlyAdded' | 'downloaded' | 'deliveredOn'

export interface ColumnSpec {
  id: ColumnId
  label: string
  size: number
  /** The cell's text: what the text filter searches and the value filter lists. */
  text: (m: Material, ready: ReadonlySet<string>) => string
}

/** A material's "Downloaded" label: the API's state, or Ready once a proxy made on demand is done. */
export function downloadedLabel(m: Material, ready: ReadonlySet<string>): string {
  switch (m.downloaded?.state) {
    case 'PROCESSING':
      return 'Processing'
    case 'COMPLETED':
      return 'Downloaded'
    case 'STARTED':
      return 'Started'
  }
  return ready.has(m.id) ? 'Ready' : ''
}

export function titleText(m: Material): string {
  return [m.title, m.variant].filter(Boolean).join(' · ')
}

export const columnSpecs: ColumnSpec[] = [
  { id: 'assetTitle', label: 'Asset Type/Title', size: 240, text: (m) => `${titleText(m)}` },
  { id: 'fileName', label: 'File Name', size: 240, text: (m) => m.fileName },
  { id: 'qc', label: 'QC Status', size: 140, text: (m) => m.qcName ?? '' },
  { id: 'newlyAdded', label: 'Newly Added', size: 132, text: (m) => (m.newlyAdded ? 'Newly Added' : '') },
  { id: 'downloaded', label: 'Downloaded', size: 132, text: downloadedLabel },
  { id: 'deliveredOn', label: 'Delivered On', size: 184, text: (m) => when(m.deliveredOn) },
]

export function columnSpec(id: string): ColumnSpec | undefined {
  return columnSpecs.find((c) => c.id === id)
}

/** A column's filter: words its text must contain, and the values it may take (null: any). */
export interface ColumnFilterValue {
  text: string
  values: string[] | null
}

export function passes(text: string, f: ColumnFilterValue | undefined): boolean {
  if (!f) return true
  if (f.values && !f.values.includes(text)) return false
  const words = f.text.toLowerCase().split(/\s+/).filter(Boolean)
  const hay = text.toLowerCase()
  return words.every((w) => hay.includes(w))
}

export function isActive(f: ColumnFilterValue | undefined): boolean {
  return !!f && (f.text.trim() !== '' || f.values !== null)
}

// ------------------------------------------------------------ layout kept per browser

export interface ListPrefs {
  order: ColumnId[]
  sizes: Record<string, number>
}

const prefsKey = 'openlot.materials.columns'

export function defaultPrefs(): ListPrefs {
  return { order: columnSpecs.map((c) => c.id), sizes: {} }
}

export function loadPrefs(): ListPrefs {
  const p = readPref<ListPrefs>(prefsKey)
  const all = columnSpecs.map((c) => c.id)
  if (!p || !Array.isArray(p.order)) return defaultPrefs()
  const order = p.order.filter((c): c is ColumnId => all.includes(c))
  for (const c of all) if (!order.includes(c)) order.push(c)
  return { order, sizes: typeof p.sizes === 'object' && p.sizes ? p.sizes : {} }
}

export function savePrefs(p: ListPrefs): void {
  writePref(prefsKey, p)
}
