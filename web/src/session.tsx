// The signed-in session for the components: the OAuth client, the API
// client and the user, and the gate that signs people in before a page.
import { createContext, use, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react'
import { Outlet, useLocation } from 'react-router'
import { Api } from './lib/api'
import { type Auth, type User, SignInRequired } from './lib/auth'
import { Notice } from './ui'

interface SessionValue {
  auth: Auth
  api: Api
}

const SessionContext = createContext<SessionValue | null>(null)

export function SessionProvider({ auth, children }: { auth: Auth; children: ReactNode }) {
  const [value] = useState(() => ({ auth, api: new Api(auth) }))
  return <SessionContext value={value}>{children}</SessionContext>
}

export function useSession(): SessionValue {
  const s = use(SessionContext)
  if (!s) throw new Error('useSession outside SessionProvider')
  return s
}

/** The signed-in user (re-renders on sign-in and sign-out). */
export function useUser(): User | undefined {
  const { auth } = useSession()
  return useSyncExternalStore(
    (fn) => auth.subscribe(fn),
    () => auth.user,
  )
}

// One silent sign-in per page load, shared by every gate that renders.
let restoring: Promise<boolean> | undefined

/**
 * RequireUser renders its child routes for a signed-in user. Without one it
 * first tries the stored refresh token (a reload), then sends the browser
 * to the authorization server's sign-in, which comes back here.
 */
export function RequireUser() {
  const { auth } = useSession()
  const user = useUser()
  const location = useLocation()
  const [error, setError] = useState<string>()
  const [attempt, setAttempt] = useState(0)
  const returnTo = location.pathname + location.search + location.hash

  useEffect(() => {
    if (user || auth.leaving) return
    let cancelled = false
    restoring ??= auth.restore().finally(() => (restoring = undefined))
    restoring
      .then((ok) => (ok || cancelled ? undefined : auth.signIn(returnTo)))
      .catch((e: unknown) => {
        if (cancelled) return
        if (e instanceof SignInRequired) {
          void auth.signIn(returnTo).catch((e2: unknown) => setError(messageOf(e2)))
          return
        }
        setError(messageOf(e))
      })
    return () => {
      cancelled = true
    }
  }, [auth, user, returnTo, attempt])

  if (user) return <Outlet />
  if (error) {
    return (
      <main className="gate" id="main">
        <Notice tone="danger" title="Sign-in did not work">
          <p>{error}</p>
          <button type="button" className="btn btn-primary" onClick={() => { setError(undefined); setAttempt((n) => n + 1) }}>
            Try again
          </button>
        </Notice>
      </main>
    )
  }
  return (
    <main className="gate" id="main" aria-busy="true">
      <p className="gate-wait" role="status">Signing you in…</p>
    </main>
  )
}

export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message
  return String(e)
}
