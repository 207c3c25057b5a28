// The app shell: a skip link, the header (product, navigation, who is
// signed in, sign-out) and the page below it.
import { useState } from 'react'
import { NavLink, Outlet } from 'react-router'
import { useSession, useUser } from './session'
import { UiLayer } from './ui'

const roles: Record<string, string> = {
  fp: 'Fulfillment partner',
  cp: 'Content partner',
  studio: 'Studio',
  qc: 'Quality control',
}

export function Shell() {
  const { auth } = useSession()
  const user = useUser()
  const [leaving, setLeaving] = useState(false)

  async function signOut() {
    setLeaving(true)
    window.location.assign(await auth.signOut())
  }

  const role = user?.role ? (roles[user.role] ?? user.role) : ''
  return (
    <>
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="app-header">
        <a className="brand" href="/" aria-label="openlot home">
          <svg className="brand-mark" viewBox="0 0 32 32" aria-hidden="true"><rect width="32" height="32" rx="7" /><path d="M9 9h5v11h9v4H9z" /></svg>
          <span className="brand-name">openlot</span>
        </a>
        <nav className="app-nav" aria-label="Main">
          <NavLink to="/" end className="app-nav-link">Source Management</NavLink>
          {(user?.role === 'qc' || user?.role === 'studio') && <NavLink to="/qc" className="app-nav-link">Quality Control</NavLink>}
          {user?.role === 'studio' && <NavLink to="/studio" className="app-nav-link">Studio</NavLink>}
        </nav>
        <div className="app-user">
          <span className="app-user-who" data-testid="signed-in-user">
            <span className="app-user-name">{user?.name}</span>
            {(role || user?.partner) && (
              <span className="app-user-role">{[role, user?.partner].filter(Boolean).join(' · ')}</span>
            )}
          </span>
          <button type="button" className="btn btn-quiet" onClick={() => void signOut()} disabled={leaving}>
            Sign out
          </button>
        </div>
      </header>
      <main className="app-main" id="main" tabIndex={-1}>
        <Outlet />
      </main>
      <UiLayer />
    </>
  )
}
