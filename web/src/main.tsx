import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { createBrowserRouter, RouterProvider } from 'react-router'
import { Auth } from './lib/auth'
import { loadConfig } from './lib/config'
import { SessionProvider, RequireUser, messageOf } from './session'
import { Shell } from './Shell'
import { Callback } from './pages/Callback'
import { Dashboard } from './pages/Dashboard'
import { NotFound } from './pages/NotFound'
import { SignedOut } from './pages/SignedOut'
import './styles/tokens.css'
import './styles/base.css'
import './styles/components.css'

const root = createRoot(document.getElementById('root')!)

async function start() {
  let auth: Auth
  try {
    auth = new Auth(await loadConfig())
  } catch (e) {
    root.render(
      <main className="gate" id="main">
        <section className="notice notice-danger" role="alert">
          <h1 className="notice-title">The portal cannot start</h1>
          <p>{messageOf(e)}</p>
        </section>
      </main>,
    )
    return
  }
  void auth.metadata().catch(() => undefined) // discovery while the app renders

  const router = createBrowserRouter([
    { path: '/auth/callback', element: <Callback /> },
    { path: '/signed-out', element: <SignedOut /> },
    {
      element: <RequireUser />,
      children: [
        {
          element: <Shell />,
          children: [
            { index: true, element: <Dashboard /> },
            { path: 'requests/:id', lazy: async () => ({ Component: (await import('./pages/RequestPage')).RequestPage }) },
            { path: 'deliver', lazy: async () => ({ Component: (await import('./deliver/DeliverPage')).DeliverPage }) },
            { path: 'materials', lazy: async () => ({ Component: (await import('./materials/MaterialsPage')).MaterialsPage }) },
            { path: 'help/error-codes', lazy: async () => ({ Component: (await import('./details/ErrorCodesPage')).ErrorCodesPage }) },
            { path: 'qc', lazy: async () => ({ Component: (await import('./qc/QueuePage')).QueuePage }) },
            { path: 'qc/:transferId', lazy: async () => ({ Component: (await import('./qc/QCPage')).QCPage }) },
            { path: 'studio', lazy: async () => ({ Component: (await import('./studio/StudioPage')).StudioPage }) },
            { path: 'studio/:section', lazy: async () => ({ Component: (await import('./studio/StudioPage')).StudioPage }) },
            { path: '*', element: <NotFound /> },
          ],
        },
      ],
    },
  ])

  root.render(
    <StrictMode>
      <SessionProvider auth={auth}>
        <RouterProvider router={router} />
      </SessionProvider>
    </StrictMode>,
  )
}

void start()
