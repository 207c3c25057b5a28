// useLoad: runs an API call when its key changes (aborting the one before)
// and keeps its answer, its error and whether it is loading. The previous
// answer stays while the next one loads, so the page does not flicker.
import { useCallback, useEffect, useRef, useState } from 'react'

export interface Loaded<T> {
  data?: T
  error?: unknown
  loading: boolean
  /** Runs the call again with the same key. */
  reload: () => void
}

export function useLoad<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: key !== null })
  const [attempt, setAttempt] = useState(0)
  const loadRef = useRef(load)
  loadRef.current = load

  useEffect(() => {
    if (key === null) {
      setState({ loading: false })
      return
    }
    const ctl = new AbortController()
    setState((s) => ({ ...s, loading: true }))
    loadRef.current(ctl.signal).then(
      (data) => !ctl.signal.aborted && setState({ data, loading: false }),
      (error: unknown) => !ctl.signal.aborted && setState((s) => ({ data: s.data, error, loading: false })),
    )
    return () => ctl.abort()
  }, [key, attempt])

  const reload = useCallback(() => setAttempt((n) => n + 1), [])
  return { ...state, reload }
}
