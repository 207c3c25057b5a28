// Loading what the page shows: one hook per resource (with reload), and the
// reference lists (error codes, QC glossary, source types' fields, partner
// names) read once per session and shared.
import { createContext, use, useCallback, useEffect, useState } from 'react'
import type { Api } from '../lib/api'
import { useSession } from '../session'
import type { ErrorCode, SourceTypeSpec } from './types'

export interface Resource<T> {
  data?: T
  error?: unknown
  loading: boolean
  /** Loads again, keeping what is shown until the answer arrives. */
  reload: () => void
}

/** GET path (skipped while path is undefined); reload() fetches it again. */
export function useGet<T>(path: string | undefined): Resource<T> {
  const { api } = useSession()
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean; path?: string }>({ loading: !!path })
  const [round, setRound] = useState(0)

  useEffect(() => {
    if (!path) return
    const c = new AbortController()
    setState((s) => (s.path === path ? { ...s, loading: true } : { loading: true, path }))
    api.get<T>(path, undefined, c.signal).then(
      (data) => !c.signal.aborted && setState({ data, loading: false, path }),
      (error: unknown) => !c.signal.aborted && setState((s) => ({ ...s, error, loading: false, path })),
    )
    return () => c.abort()
  }, [api, path, round])

  const reload = useCallback(() => setRound((n) => n + 1), [])
  if (state.path !== path) return { loading: !!path, reload }
  return { data: state.data, error: state.error, loading: state.loading, reload }
}

// Reference lists: one fetch per session, shared by every component.
const shared = new WeakMap<Api, Map<string, Promise<unknown>>>()

function once<T>(api: Api, key: string, load: () => Promise<T>): Promise<T> {
  let m = shared.get(api)
  if (!m) shared.set(api, (m = new Map()))
  let p = m.get(key) as Promise<T> | undefined
  if (!p) {
    p = load()
    m.set(key, p)
    p.catch(() => m.delete(key)) // try again next time
  }
  return p
}

function useShared<T>(key: string, load: (api: Api) => Promise<T>): T | undefined {
  const { api } = useSession()
  const [value, setValue] = useState<T>()
  useEffect(() => {
    let live = true
    once(api, key, () => load(api)).then(
      (v) => live && setValue(v),
      () => undefined, // reference data is a nicety: the page works without it
    )
    return () => {
      live = false
    }
  }, [api, key, load])
  return value
}

const loadErrorCodes = async (api: Api) => {
  const { codes } = await api.get<{ codes: ErrorCode[] | null }>('/v1/error-codes')
  return new Map((codes ?? []).map((c) => [c.code, c]))
}

/** GET /v1/error-codes by code. */
export function useErrorCodes(): Map<string, ErrorCode> | undefined {
  return useShared('error-codes', loadErrorCodes)
}

const loadGlossary = async (api: Api) => {
  const { categories } = await api.get<{ categories: { code: string; name: string }[] | null }>('/v1/qc/glossary')
  return new Map((categories ?? []).map((c) => [c.code, c.name]))
}

/** GET /v1/qc/glossary: QC category names by code. */
export function useGlossary(): Map<string, string> | undefined {
  return useShared('qc-glossary', loadGlossary)
}

const loadFieldLabels = async (api: Api) => {
  const { sourceTypes } = await api.get<{ sourceTypes: SourceTypeSpec[] | null }>('/v1/source-types')
  const labels = new Map<string, string>()
  for (const st of sourceTypes ?? []) for (const f of st.fields ?? []) labels.set(f.name, f.label)
  return labels
}

/** Delivery metadata field labels (GET /v1/source-types), by field name. */
export function useFieldLabels(): Map<string, string> | undefined {
  return useShared('field-labels', loadFieldLabels)
}

const loadPartnerNames = async (api: Api) => {
  type Values = Record<string, { code: string; name: string }[] | null>
  const v = await api.get<Values>('/v1/search/values')
  const names = new Map<string, string>()
  for (const key of ['fulfillmentPartner', 'contentPartner']) for (const p of v[key] ?? []) names.set(p.code, p.name)
  return names
}

/**
 * Partner names by ID. Requests name partners by ID only; the names come
 * from the search values of the caller's scope (which hold every partner of
 * a request the caller may see).
 */
export function usePartnerNames(): Map<string, string> | undefined {
  return useShared('partner-names', loadPartnerNames)
}

/**
 * People and clients by ID, as the request's history and comments name
 * them: delivery timelines and transfers carry only the actor's ID (a
 * person's is an opaque subject).
 */
export const ActorNames = createContext<Map<string, string>>(new Map())

/** The name of an actor ID, or the ID when the history does not name it. */
export function useActorName(): (id: string) => string {
  const names = use(ActorNames)
  return (id) => names.get(id) || id
}
