// The QC glossary (GET /v1/qc/glossary) as a list, once per session.
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
