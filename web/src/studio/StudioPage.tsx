// /studio: the studio operator's screens, one section each, chosen by the
// URL: /studio the verification queue of overridden deliveries,
// /studio/new a form that creates requests, /studio/materials a title's
// materials (add a version, empty a proxy pool). What may be done to each
// item is the API's `actions`; the server refuses anyone but the studio.
import { Link, useParams } from 'react-router'
import { NotFound } from '../pages/NotFound'
import { CreateRequests } from './CreateRequests'
import { Materials } from './Materials'
import { VerifyQueue } from './VerifyQueue'
import '../details/details.css'
import '../qc/qc.css'

const sections = [
  { key: 'verify', path: '/studio', label: 'Verification queue' },
  { key: 'new', path: '/studio/new', label: 'Create requests' },
  { key: 'materials', path: '/studio/materials', label: 'Materials' },
] as const

export function StudioPage() {
  const { section = 'verify' } = useParams()
  const current = sections.find((s) => s.key === section)
  if (!current) return <NotFound />
  return (
    <section className="rq ops" aria-labelledby="studio-title" data-testid={`studio-${current.key}`}>
      <title>{`${current.label} · Studio · openlot`}</title>
      <div className="page-head">
        <div>
          <p className="eyebrow">Studio</p>
          <h1 id="studio-title">{current.label}</h1>
        </div>
      </div>
      <nav className="tabs studio-tabs" aria-label="Studio sections">
        {sections.map((s) => (
          <Link key={s.key} to={s.path} className="tab" aria-current={s.key === current.key ? 'page' : undefined}>
            {s.label}
          </Link>
        ))}
      </nav>
      {current.key === 'verify' && <VerifyQueue />}
      {current.key === 'new' && <CreateRequests />}
      {current.key === 'materials' && <Materials />}
    </section>
  )
}
