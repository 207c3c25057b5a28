// /signed-out: where sign-out ends; signing in again is one click away.
import { Link } from 'react-router'

export function SignedOut() {
  return (
    <main className="gate" id="main">
      <title>Signed out · openlot</title>
      <section className="card gate-card">
        <h1>You are signed out</h1>
        <p className="muted">Your session on this browser has ended.</p>
        <p><Link className="btn btn-primary" to="/">Sign in</Link></p>
      </section>
    </main>
  )
}
