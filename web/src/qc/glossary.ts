// The QC glossary (GET /v1/qc/glossary) as a list, and the fulfillment partners to filter by, once per session.
import { useEffect, useState } from 'react'
import { useSession } from '../session'

export interface Category {
  code: string
  name: string
  help?: string
}

let cached: Promise<Category[]> | undefined

/** The glossary's categories in their order; undefined while loading. */
export function useGlossaryList(): Category[] | undefined {
  const { api } = useSession()
  const [list, setList] = useState<Category[]>()
  useEffect(() => {
    let live = true
    cached ??= api.get<{ categories: Category[] | null }>('/v1/qc/glossary').then((g) => g.categories ?? [])
    cached.then(
      (l) => live && setList(l),
      () => {
        cached = undefined
      },
    )
    return () => {
      live = false
    }
  }, [api])
  return list
}

let facilities: Promise<{ code: string; name: string }[]> | undefined

/** The fulfillment partners in the caller's scope (GET /v1/search/values), by name; undefined while loading. */
export function useFulfillmentPartners(): { code: string; name: string }[] | undefined {
  const { api } = useSession()
  const [list, setList] = useState<{ code: string; name: string }[]>()
  useEffect(() => {
    let live = true
    facilities ??= api
      .get<{ fulfillmentPartner: { code: string; name: string }[] | null }>('/v1/search/values')
      .then((v) => [...(v.fulfillmentPartner ?? [])].sort((a, b) => a.name.localeCompare(b.name)))
    facilities.then(
      (l) => live && setList(l),
      () => {
        facilities = undefined
      },
    )
    return () => {
      live = false
    }
  }, [api])
  return list
}
