// Comments by the studio, the content partner and the fulfillment partner,
// newest first, and the box to add one where the API allows it.
import { useId, useState, type FormEvent } from 'react'
import { messageOf, useSession } from '../session'
import { Notice } from '../ui'
import { offer } from './parts'
import { roleName, when } from './format'
import type { Action, Comment } from './types'

interface Props {
  requestId: string
  comments: Comment[]
  action?: Action
  onAdded: () => void
}

export function Comments({ requestId, comments, action, onAdded }: Props) {
  const newest = [...comments].sort((a, b) => b.at.localeCompare(a.at))
  const state = offer(action)
  return (
    <div className="comments" data-testid="comments">
      {state === 'offered' && <AddComment requestId={requestId} onAdded={onAdded} />}
      {state === 'greyed' && (
        <p className="muted" data-testid="comment-not-now">
          You cannot comment now: {action?.reason}
        </p>
      )}
      {newest.length === 0 ? (
        <div className="empty">
          <h2>No comments yet</h2>
          <p className="muted">Comments by the studio, the content partner and the fulfillment partner appear here.</p>
        </div>
      ) : (
        <ol className="comment-list" aria-label="Comments, newest first">
          {newest.map((c, i) => (
            <li key={`${c.at}-${i}`} className={`comment comment-${c.role.toLowerCase()}`} data-testid="comment">
              <p className="comment-head">
                <strong>{c.authorName || c.author}</strong>
                <span className="role-tag">{roleName(c.role)}</span>
                <time className="muted" dateTime={c.at}>
                  {when(c.at)}
                </time>
              </p>
              <p className="comment-text">{c.text}</p>
            </li>
          ))}
        </ol>
      )}
    </div>
  )
}

function AddComment({ requestId, onAdded }: { requestId: string; onAdded: () => void }) {
  const { api } = useSession()
  const [text, setText] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const id = useId()

  async function send(e: FormEvent) {
    e.preventDefault()
    if (!text.trim()) return
    setBusy(true)
    setError(undefined)
    try {
      await api.post(`/v1/requests/${encodeURIComponent(requestId)}/comments`, { text: text.trim() })
      setText('')
      onAdded()
    } catch (err) {
      setError(messageOf(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="comment-form" onSubmit={(e) => void send(e)}>
      <label htmlFor={id} className="sub-title">
        Add a comment
      </label>
      <textarea
        id={id}
        rows={3}
        maxLength={4000}
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder="Visible to the studio, the content partner and the fulfillment partner"
      />
      {error && (
        <Notice tone="danger" title="The comment was not added">
          <p>{error}</p>
        </Notice>
      )}
      <div className="comment-form-actions">
        <span className="muted">{text.length > 3600 ? `${4000 - text.length} characters left` : ''}</span>
        <button type="submit" className="btn btn-primary btn-sm" disabled={busy || !text.trim()}>
          {busy ? 'Adding…' : 'Add comment'}
        </button>
      </div>
    </form>
  )
}
