import { Link } from 'react-router'

export function NotFound({ what = 'page' }: { what?: string }) {
  return (
    <section className="page">
      <title>Not found · openlot</title>
      <h1>Not found</h1>
      <p className="muted">There is no such {what}, or it is not one you may see.</p>
      <p><Link to="/">Back to Source Management</Link></p>
    </section>
  )
}
