// /auth/callback: the authorization server sends people back here with a
// code; the code and the PKCE verifier become tokens, then the page they
// came from opens.
import { useEffect, useState } from 'react'
import { Link, useNavigate } from 'react-router'
import { messageOf, useSession } from '../session'
import { Notice } from '../ui'

// The exchange runs once per callback URL, even when React runs effects twice.
const exchanges = new Map<string, Promise<string>>()

export function Callback() {
  const { auth } = useSession()
  const navigate = useNavigate()
  const [error, setError] = useState<string>()

  useEffect(() => {
    const href = window.location.href
    let exchange = exchanges.get(href)
    if (!exchange) {
      exchange = auth.completeSignIn(new URL(href))
      exchanges.set(href, exchange)
    }
    let cancelled = false
    exchange.then(
      (returnTo) => !cancelled && navigate(returnTo, { replace: true }),
      (e: unknown) => !cancelled && setError(messageOf(e)),
    )
    return () => {
      cancelled = true
    }
  }, [auth, navigate])

  return (
    <main className="gate" id="main">
      {error ? (
        <Notice tone="danger" title="Sign-in did not complete">
          <p>{error}</p>
          <p><Link className="btn btn-primary" to="/">Sign in again</Link></p>
        </Notice>
      ) : (
        <p className="gate-wait" role="status">Signing you in…</p>
      )}
    </main>
  )
}
