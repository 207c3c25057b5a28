// useLoad: runs an API call when its key changes (aborting the one before)
// and keeps its answer, its error and whether it is loading. The previous
// answer stays while the next one loads, so the page does not flicker; it is
// loading from the very render whose key changed, so nothing mistakes the
// previous answer for the new one.
import { useCallback, useEffect, useRef, useState } from 'react'

export interface Loaded<T> {
  data?: T
  error?: unknown
  loading: boolean
  /** Runs the call again with the same key. */
  reload: () => void
}

interface State<T> {
  key: string | null // the key (and attempt) the data or error answer
  attempt: number
  data?: T
  error?: unknown
}

export function useLoad<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): Loaded<T> {
  const [attempt, setAttempt] = useState(0)
  const [state, setState] = useState<State<T>>({ key: null, attempt: -1 })
  const loadRef = useRef(load)
  loadRef.current = load

  useEffect(() => {
    if (key === null) return
    const ctl = new AbortController()
    loadRef.current(ctl.signal).then(
      (data) => !ctl.signal.aborted && setState({ key, attempt, data }),
      (error: unknown) => !ctl.signal.aborted && setState((s) => ({ key, attempt, data: s.data, error })),
    )
    return () => ctl.abort()
  }, [key, attempt])

  const reload = useCallback(() => setAttempt((n) => n + 1), [])
  const loading = key !== null && (state.key !== key || state.attempt !== attempt)
  return { data: state.data, error: loading ? undefined : state.error, loading, reload }
}
