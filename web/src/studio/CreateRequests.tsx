// Create requests: one title and package, one fulfillment partner, one
// source type, and one request per language given (POST /v1/requests for
// each; each answers on its own). The lists come from the API: titles and
// their packages found by name among the requests the studio sees (the
// search's fuzzy title), partners, languages and material statuses from
// /v1/search/values, source types from /v1/source-types.
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react'
import { Link } from 'react-router'
import { messageOf, useSession } from '../session'
import { Notice, Spinner } from '../ui'
import { languageName, materialStatusName, sourceTypeName } from '../details/format'

interface Value {
  code: string
  name: string
}

interface TitleChoice {
  movieId: number
  title: string
  packages: number[]
}

interface Lists {
  partners: Value[]
  languages: Value[]
  materialStatuses: Value[]
  sourceTypes: string[]
}

interface Created {
  language: string
  ok: boolean
  id?: string
  message?: string
}

export function CreateRequests() {
  const { api } = useSession()
  const [lists, setLists] = useState<Lists>()
  const [loadError, setLoadError] = useState<unknown>()
  const [movieId, setMovieId] = useState('')
  const [packageId, setPackageId] = useState('')
  const [partner, setPartner] = useState('')
  const [sourceType, setSourceType] = useState('')
  const [languages, setLanguages] = useState('')
  const [serviceType, setServiceType] = useState('CREATE')
  const [dueDate, setDueDate] = useState('')
  const [materialStatus, setMaterialStatus] = useState('')
  const [issues, setIssues] = useState('')
  const [comment, setComment] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const [created, setCreated] = useState<Created[]>()
  const results = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (created) results.current?.scrollIntoView({ block: 'nearest' })
  }, [created])
  const id = useId()

  useEffect(() => {
    const c = new AbortController()
    ;(async () => {
      const [values, types] = await Promise.all([
        api.get<Record<string, Value[] | null>>('/v1/search/values', undefined, c.signal),
        api.get<{ sourceTypes: { sourceType: string }[] | null }>('/v1/source-types', undefined, c.signal),
      ])
      if (c.signal.aborted) return
      setLists({
        partners: values.fulfillmentPartner ?? [],
        languages: values.language ?? [],
        materialStatuses: values.materialStatus ?? [],
        sourceTypes: (types.sourceTypes ?? []).map((s) => s.sourceType),
      })
    })().catch((e: unknown) => !c.signal.aborted && setLoadError(e))
    return () => c.abort()
  }, [api])

  // Titles are found by name among the requests the studio sees (the search's fuzzy title), with their packages.
  const [find, setFind] = useState('')
  const [titles, setTitles] = useState<TitleChoice[]>()
  useEffect(() => {
    if (find.trim().length < 2) {
      setTitles(undefined)
      return
    }
    const c = new AbortController()
    const timer = window.setTimeout(() => {
      type Row = { id: string; title: string; movieId: number; packageId: number }
      api.get<{ rows: Row[] | null }>('/v1/requests', { status: 'all', title: find.trim(), columns: 'title,movieId,packageId', sort: 'title', limit: 500 }, c.signal).then(
        (res) => {
          const m = new Map<number, TitleChoice>()
          for (const r of res.rows ?? []) {
            const t = m.get(r.movieId) ?? { movieId: r.movieId, title: r.title, packages: [] }
            if (!t.packages.includes(r.packageId)) t.packages.push(r.packageId)
            m.set(r.movieId, t)
          }
          const list = [...m.values()]
          setTitles(list)
          const only = list.length === 1 ? list[0] : undefined
          setMovieId(only ? String(only.movieId) : '')
          setPackageId(only?.packages.length === 1 ? String(only.packages[0]) : '')
        },
        () => undefined,
      )
    }, 250)
    return () => {
      window.clearTimeout(timer)
      c.abort()
    }
  }, [api, find])
  const title = useMemo(() => titles?.find((t) => String(t.movieId) === movieId), [titles, movieId])

  async function create(e: FormEvent) {
    e.preventDefault()
    const langs = languages.split(',').map((l) => l.trim()).filter(Boolean)
    if (!movieId || !packageId || !partner || !sourceType || !dueDate) {
      setError('Title, package, fulfillment partner, source type and due date are needed.')
      return
    }
    setBusy(true)
    setError(undefined)
    const out: Created[] = []
    for (const language of langs.length ? langs : ['']) {
      try {
        const r = await api.post<{ id: string }>('/v1/requests', {
          movieId: Number(movieId),
          packageId: Number(packageId),
          fulfillmentPartner: partner,
          sourceType,
          ...(language ? { language } : {}),
          serviceType,
          dueDate,
          ...(materialStatus ? { materialStatus } : {}),
          ...(issues.trim() ? { issues: issues.split(',').map((i) => i.trim()).filter(Boolean) } : {}),
          ...(comment.trim() ? { comment: comment.trim() } : {}),
        })
        out.push({ language, ok: true, id: r.id })
      } catch (err) {
        out.push({ language, ok: false, message: messageOf(err) })
      }
    }
    setCreated(out)
    setBusy(false)
  }

  if (loadError) {
    return (
      <Notice tone="danger" title="The form could not be loaded">
        <p>{messageOf(loadError)}</p>
      </Notice>
    )
  }
  if (!lists) return <Spinner label="Loading titles and partners" />

  return (
    <form className="studio-form" onSubmit={(e) => void create(e)} noValidate data-testid="create-requests">
      <p className="muted">
        One request per language: give several, separated by commas, to ask the same partner for each. The partner is
        told by mail.
      </p>
      <div className="studio-grid">
        <div className="qc-field">
          <label htmlFor={`${id}-find`}>Find a title</label>
          <input id={`${id}-find`} type="search" value={find} onChange={(e) => setFind(e.target.value)} placeholder="part of its name, e.g. tides" />
        </div>
        <div className="qc-field">
          <label htmlFor={`${id}-title`}>Title</label>
          <select
            id={`${id}-title`}
            value={movieId}
            disabled={!titles?.length}
            onChange={(e) => {
              setMovieId(e.target.value)
              const t = titles?.find((x) => String(x.movieId) === e.target.value)
              setPackageId(t?.packages.length === 1 ? String(t.packages[0]) : '')
            }}
          >
            <option value="">{!titles ? 'Find a title first' : titles.length ? `Choose one of ${titles.length}…` : 'No title has that name'}</option>
            {titles?.map((t) => (
              <option key={t.movieId} value={t.movieId}>
                {t.title} ({t.movieId})
              </option>
            ))}
          </select>
        </div>
        <div className="qc-field">
          <label htmlFor={`${id}-package`}>Package</label>
          <select id={`${id}-package`} value={packageId} onChange={(e) => setPackageId(e.target.value)} disabled={!title}>
            <option value="">{title ? 'Choose a package…' : 'Choose a title first'}</option>
            {title?.packages.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </div>
        <div className="qc-field">
          <label htmlFor={`${id}-partner`}>Fulfillment partner</label>
          <select id={`${id}-partner`} value={partner} onChange={(e) => setPartner(e.target.value)}>
            <option value="">Choose a partner…</option>
            {lists.partners.map((p) => (
              <option key={p.code} value={p.code}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div className="qc-field">
          <label htmlFor={`${id}-type`}>Source type</label>
          <select id={`${id}-type`} value={sourceType} onChange={(e) => setSourceType(e.target.value)}>
            <option value="">Choose a source type…</option>
            {lists.sourceTypes.map((s) => (
              <option key={s} value={s}>
                {sourceTypeName(s)}
              </option>
            ))}
          </select>
        </div>
        <div className="qc-field">
          <label htmlFor={`${id}-langs`}>Languages</label>
          <input id={`${id}-langs`} type="text" list={`${id}-langlist`} value={languages} onChange={(e) => setLanguages(e.target.value)} placeholder="e.g. es-419, fr-CA" aria-describedby={`${id}-langs-hint`} />
          <datalist id={`${id}-langlist`}>
            {lists.languages.map((l) => (
              <option key={l.code} value={l.code}>
                {l.name}
              </option>
            ))}
          </datalist>
          <p id={`${id}-langs-hint`} className="field-hint">
            BCP 47 tags, comma-separated{languages ? `: ${languages.split(',').map((l) => languageName(l.trim())).filter(Boolean).join(', ')}` : ''}
          </p>
        </div>
        <div className="qc-field">
          <label htmlFor={`${id}-service`}>Service type</label>
          <select id={`${id}-service`} value={serviceType} onChange={(e) => setServiceType(e.target.value)}>
            <option value="CREATE">Create</option>
            <option value="CONFORM">Conform</option>
            <option value="UNKNOWN">Unknown</option>
          </select>
        </div>
        <div className="qc-field">
          <label htmlFor={`${id}-due`}>Due date</label>
          <input id={`${id}-due`} type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} />
        </div>
        <div className="qc-field">
          <label htmlFor={`${id}-material`}>Material status (optional)</label>
          <select id={`${id}-material`} value={materialStatus} onChange={(e) => setMaterialStatus(e.target.value)}>
            <option value="">Not Received</option>
            {lists.materialStatuses.map((m) => (
              <option key={m.code} value={m.code}>
                {materialStatusName(m.code)}
              </option>
            ))}
          </select>
        </div>
        <div className="qc-field wide">
          <label htmlFor={`${id}-issues`}>Issues (optional, comma-separated)</label>
          <input id={`${id}-issues`} type="text" value={issues} onChange={(e) => setIssues(e.target.value)} />
        </div>
        <div className="qc-field wide">
          <label htmlFor={`${id}-comment`}>Comment for the partner (optional)</label>
          <textarea id={`${id}-comment`} rows={3} maxLength={4000} value={comment} onChange={(e) => setComment(e.target.value)} />
        </div>
      </div>
      {error && <p className="field-error" role="alert">{error}</p>}
      <div className="studio-actions">
        <button type="submit" className="btn btn-primary" disabled={busy} data-action="create">
          {busy ? 'Creating…' : `Create ${Math.max(1, languages.split(',').filter((l) => l.trim()).length)} request${languages.split(',').filter((l) => l.trim()).length > 1 ? 's' : ''}`}
        </button>
      </div>
      {created && (
        <div role="status" data-testid="created" ref={results}>
          <p className="results-summary">
            {created.filter((c) => c.ok).length} of {created.length} created
          </p>
          <ul className="results">
            {created.map((c, i) => (
              <li key={i} className={`result ${c.ok ? 'result-ok' : 'result-failed'}`}>
                <span className="result-what">{c.language ? languageName(c.language) || c.language : 'Request'}</span>
                {c.ok ? <Link to={`/requests/${c.id}`} data-testid="created-link">Open the new request</Link> : <span className="result-message">{c.message}</span>}
              </li>
            ))}
          </ul>
        </div>
      )}
    </form>
  )
}
