// The search of GET /v1/requests as the portal uses it: its answer, the
// modifiers, groupings and buckets, and the dashboard's URL, which carries
// the same query parameters as the API (so /?bucket=critical and
// /?movieId=… from mail work, and a bookmark restores the view).
import type { Actions } from './requests'

export const bucketKeys = ['requests', 'critical', 'atRisk', 'onTrack', 'awaitingMaterials', 'materialsAvailable', 'overdueUndelivered'] as const
export type BucketKey = (typeof bucketKeys)[number]
export type Buckets = Record<BucketKey, number>

export interface SearchGroup {
  key: Record<string, string>
  total: number
  buckets: Buckets
}

/** One request as a search row: the columns asked for (id always). */
export interface SearchRow {
  id: string
  title?: string
  movieId?: number
  movieType?: string
  isOriginal?: boolean
  packageId?: number
  countries?: string[]
  sourceType?: string
  language?: string
  serviceType?: string
  status?: string
  materialStatus?: string
  materialsAvailable?: boolean
  dueDate?: string
  estimatedDeliveryDate?: string
  fulfillmentPartner?: string
  subAssignee?: string
  contentPartner?: string
  issues?: string[]
  deliveryStatus?: string
  qcStatus?: string
  insight?: string
  why?: string
  createdAt?: string
  updatedAt?: string
  actions?: Actions
}

export interface SearchAnswer {
  total: number
  buckets: Buckets
  groups: SearchGroup[]
  rows: SearchRow[]
  next: string
}

/** A value a modifier takes, present in the caller's scope (GET /v1/search/values). */
export interface SearchValue {
  code: string
  name: string
  count: number
}

export type SearchValues = Partial<Record<string, SearchValue[]>>

export interface BucketSpec {
  key: BucketKey
  label: string
  hint: string
  tone: 'neutral' | 'critical' | 'risk' | 'ok'
}

export const insightBuckets: BucketSpec[] = [
  { key: 'requests', label: 'Requests', hint: 'Open or redelivery requested', tone: 'neutral' },
  { key: 'critical', label: 'Critical', hint: 'Due within 2 days or past the estimated delivery', tone: 'critical' },
  { key: 'atRisk', label: 'At risk', hint: 'Due within 7 days, estimated late, or waiting for materials', tone: 'risk' },
  { key: 'onTrack', label: 'On track', hint: 'Every other open request', tone: 'ok' },
]

export const assetStateBuckets: BucketSpec[] = [
  { key: 'awaitingMaterials', label: 'Awaiting materials', hint: 'Open, materials not yet received', tone: 'neutral' },
  { key: 'materialsAvailable', label: 'Materials available', hint: 'Received, accepted, or marked available', tone: 'ok' },
  { key: 'overdueUndelivered', label: 'Overdue undelivered', hint: 'Open and past the due date', tone: 'critical' },
]

export const allBuckets: BucketSpec[] = [...insightBuckets, ...assetStateBuckets]

export function bucketSpec(key: string | undefined): BucketSpec | undefined {
  return allBuckets.find((b) => b.key === key)
}

/**
 * values: chosen from GET /v1/search/values; date: free text the API reads
 * (2026, 2026-04, 2026-04-12, 2026-04..2026-06); text: fuzzy title, one
 * parameter per text; ids: comma-separated IDs.
 */
export type ModifierKind = 'values' | 'date' | 'text' | 'ids'

export interface Modifier {
  key: string
  label: string
  kind: ModifierKind
  hint: string
}

/** The modifiers, in the order Backlot's glossary lists them; key is the query parameter. */
export const modifiers: Modifier[] = [
  { key: 'contentPartner', label: 'Content Partner', kind: 'values', hint: 'The studio that licensed the title' },
  { key: 'fulfillmentPartner', label: 'Fulfillment Partner', kind: 'values', hint: 'Assigned or subassigned facility' },
  { key: 'estimatedDeliveryDate', label: 'Estimated Delivery Date', kind: 'date', hint: 'A year, month, day or range: 2026, 2026-04, 2026-04-12, 2026-04..2026-06' },
  { key: 'dueDate', label: 'Due Date', kind: 'date', hint: 'A year, month, day or range: 2026, 2026-04, 2026-04-12, 2026-04..2026-06' },
  { key: 'status', label: 'Status', kind: 'values', hint: 'By default every status but Cancelled' },
  { key: 'materialStatus', label: 'Material Status', kind: 'values', hint: 'Not Received, Assigned, Received, Accepted, Rejected' },
  { key: 'language', label: 'Language', kind: 'values', hint: 'Language of the request' },
  { key: 'isOriginal', label: 'Is Original', kind: 'values', hint: 'Original versus licensed' },
  { key: 'movieType', label: 'Movie Type', kind: 'values', hint: 'Standalone, Episode, Supplemental' },
  { key: 'issues', label: 'Issues', kind: 'values', hint: 'Has issues, no issues, or a named issue' },
  { key: 'sourceType', label: 'Source Type', kind: 'values', hint: 'Subtitle, Secondary Audio, AV Muxed…' },
  { key: 'serviceType', label: 'Service Type', kind: 'values', hint: 'Create, Conform, Unknown' },
  { key: 'country', label: 'Country', kind: 'values', hint: 'Countries of the package' },
  { key: 'title', label: 'Title', kind: 'text', hint: 'Fuzzy: "house md" finds "House, M.D."' },
  { key: 'requestId', label: 'Request ID', kind: 'ids', hint: 'One or more request IDs, comma-separated' },
  { key: 'packageId', label: 'Package ID', kind: 'ids', hint: 'One or more package IDs, comma-separated' },
  { key: 'movieId', label: 'Movie ID', kind: 'ids', hint: 'One or more movie IDs, comma-separated' },
]

export function modifier(key: string): Modifier | undefined {
  return modifiers.find((m) => m.key === key)
}

/** The value the status modifier takes for every status (the API's default leaves Cancelled out). */
export const allStatuses = 'All'

export interface GroupField {
  key: string
  label: string
}

/** What group= takes, in the API's order. */
export const groupFields: GroupField[] = [
  { key: 'sourceType', label: 'Source Type' },
  { key: 'language', label: 'Language' },
  { key: 'status', label: 'Status' },
  { key: 'materialStatus', label: 'Material Status' },
  { key: 'serviceType', label: 'Service Type' },
  { key: 'contentPartner', label: 'Content Partner' },
  { key: 'fulfillmentPartner', label: 'Fulfillment Partner' },
  { key: 'movieType', label: 'Movie Type' },
  { key: 'title', label: 'Title' },
  { key: 'packageId', label: 'Package ID' },
  { key: 'country', label: 'Country' },
  { key: 'dueMonth', label: 'Due Month' },
]

export function groupField(key: string): GroupField | undefined {
  return groupFields.find((g) => g.key === key)
}

/** One pill of the modifier bar: a modifier and its values (codes, dates, texts or IDs). */
export interface Filter {
  key: string
  values: string[]
}

/** The dashboard's view: what the URL holds. */
export interface View {
  filters: Filter[]
  group: string[]
  bucket?: string
  groupKey?: string
  sort?: string
}

function splitList(raw: string): string[] {
  return raw.split(',').map((s) => s.trim()).filter(Boolean)
}

/** Reads a view from the URL's query (unknown parameters are left out). */
export function viewOf(params: URLSearchParams): View {
  const filters: Filter[] = []
  const seen = new Set<string>()
  for (const name of params.keys()) {
    if (seen.has(name)) continue
    seen.add(name)
    const m = modifier(name)
    if (!m) continue
    const raw = params.getAll(name)
    const values = m.kind === 'text' ? raw.map((s) => s.trim()).filter(Boolean) : raw.flatMap(splitList)
    if (values.length) filters.push({ key: name, values: [...new Set(values)] })
  }
  const group = splitList(params.get('group') ?? '')
  const view: View = { filters, group }
  const bucket = params.get('bucket')
  if (bucket) view.bucket = bucket
  const groupKey = params.get('groupKey')
  if (groupKey !== null && group.length) view.groupKey = groupKey
  const sort = params.get('sort')
  if (sort) view.sort = sort
  return view
}

/** The modifiers of filters as query parameters (title repeats; others are comma-separated). */
export function filterParams(filters: Filter[], into = new URLSearchParams()): URLSearchParams {
  for (const f of filters) {
    if (!f.values.length) continue
    if (modifier(f.key)?.kind === 'text') for (const v of f.values) into.append(f.key, v)
    else into.set(f.key, f.values.join(','))
  }
  return into
}

/** The query of a view: modifiers, then group, bucket, groupKey and sort. */
export function viewParams(view: View): URLSearchParams {
  const p = filterParams(view.filters)
  if (view.group.length) p.set('group', view.group.join(','))
  if (view.bucket) p.set('bucket', view.bucket)
  if (view.groupKey !== undefined && view.group.length) p.set('groupKey', view.groupKey)
  if (view.sort) p.set('sort', view.sort)
  return p
}

/** What a saved template keeps: the modifiers and the groupings. */
export function templateQuery(view: Pick<View, 'filters' | 'group'>): string {
  const p = filterParams(view.filters)
  if (view.group.length) p.set('group', view.group.join(','))
  return p.toString()
}

/** A query string in a canonical form, to compare two (parameter order and case of names aside). */
export function canonicalQuery(query: string): string {
  const v = viewOf(new URLSearchParams(query))
  const filters = [...v.filters]
    .map((f) => ({ key: f.key, values: [...f.values].map((s) => s.toLowerCase()).sort() }))
    .sort((a, b) => a.key.localeCompare(b.key))
  return JSON.stringify({ filters, group: v.group.map((g) => g.toLowerCase()) })
}

/** groupKey= of a group: its values in group order, separated by |. */
export function groupKeyOf(group: string[], key: Record<string, string>): string {
  return group.map((g) => key[g] ?? '').join('|')
}

export function sameFilters(a: Filter[], b: Filter[]): boolean {
  return filterParams(a).toString() === filterParams(b).toString()
}

/** Finds a value's display name among the values of a modifier (by code or name, any case). */
export function valueName(values: SearchValues | undefined, key: string, code: string): string {
  const lower = code.toLowerCase()
  const v = values?.[key]?.find((x) => x.code.toLowerCase() === lower || x.name.toLowerCase() === lower)
  return v ? v.name : humanize(code)
}

/** NOT_RECEIVED → Not Received: a code's words, for codes the values do not name. */
export function humanize(code: string): string {
  if (!/^[A-Z0-9_]+$/.test(code) || !code.includes('_') && code.length < 4) return code
  return code
    .toLowerCase()
    .split('_')
    .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join(' ')
}
