// The page's header (source type and language, status, title, movie ID)
// and the request's actions, each offered, greyed or hidden by the API's
// `actions` for the signed-in caller.
import { useState } from 'react'
import { Link, useNavigate } from 'react-router'
import { Notice } from '../ui'
import { DecisionDialog, SubassignDialog, UpgradeDialog } from './dialogs'
import { day, languageName, materialStatusName, qcStatusName, requestStatusName, sourceTypeName, transferStatusName } from './format'
import { ActionButton, Badge, offer } from './parts'
import { notYet, sharedDialogs, type SharedActionKey } from './shared-actions'
import { requestTone } from './status'
import type { Details } from './types'

type Open = SharedActionKey | 'subassign' | 'takeBack' | 'requestRedelivery' | 'upgrade'

export function Header({ details, onChanged }: { details: Details; onChanged: () => void }) {
  const r = details.request
  const a = details.actions
  const navigate = useNavigate()
  const [open, setOpen] = useState<Open>()
  const close = (changed: boolean) => {
    setOpen(undefined)
    if (changed) onChanged()
  }

  const shared = (key: SharedActionKey, label: string) => (
    <ActionButton
      action={a[key]}
      label={label}
      onClick={() => setOpen(key)}
      unavailable={sharedDialogs[key] ? undefined : notYet}
      testId={key}
    />
  )
  const cancelSlot =
    a.uncancel?.allowed ? 'uncancel' : a.cancel?.allowed || offer(a.cancel) !== 'hidden' ? 'cancel' : 'uncancel'
  const Shared = open && open in sharedDialogs ? sharedDialogs[open as SharedActionKey] : undefined

  return (
    <header className="rq-head">
      <div className="rq-head-main">
        <p className="eyebrow" data-testid="request-kind">
          {[sourceTypeName(r.sourceType), languageName(r.language)].filter(Boolean).join(' · ')}
        </p>
        <div className="rq-title-row">
          <h1 id="rq-title" data-testid="request-title">{r.title}</h1>
          <Badge tone={requestTone(r.status)}>
            <span className="sr-only">Status: </span>
            <span data-testid="request-status">{requestStatusName(r.status)}</span>
          </Badge>
        </div>
        <dl className="rq-facts">
          <div>
            <dt>Movie ID</dt>
            <dd data-testid="movie-id">{r.movieId}</dd>
          </div>
          <div>
            <dt>Due</dt>
            <dd>{day(r.dueDate)}</dd>
          </div>
          <div>
            <dt>Material status</dt>
            <dd>{materialStatusName(r.materialStatus)}</dd>
          </div>
          <div>
            <dt>Materials</dt>
            <dd data-testid="materials-available">{r.materialsAvailable ? 'Marked available' : 'Not marked available'}</dd>
          </div>
          {r.deliveryStatus && (
            <div>
              <dt>Delivery</dt>
              <dd data-testid="delivery-status">
                {transferStatusName(r.deliveryStatus)}
                {r.qcStatus ? ` · QC ${qcStatusName(r.qcStatus)}` : ''}
              </dd>
            </div>
          )}
        </dl>
      </div>
      {r.upgradedTo && (
        <Notice tone="info" title="This request was upgraded">
          <p>
            A new request asks for the better version: <Link to={`/requests/${r.upgradedTo}`}>open the new request</Link>.
          </p>
        </Notice>
      )}
      <div className="rq-actions" role="group" aria-label="Request actions" data-testid="request-actions">
        <ActionButton action={a.deliver} label="Deliver" primary onClick={() => window.open(`/deliver?ids=${encodeURIComponent(r.id)}`, '_blank', 'noopener')} testId="deliver" />
        <ActionButton action={a.downloadMaterials} label="Download materials" onClick={() => navigate(`/materials?ids=${encodeURIComponent(r.id)}`)} testId="downloadMaterials" />
        {shared('setMaterialStatus', 'Edit material status')}
        {shared('setMaterialsAvailable', r.materialsAvailable ? 'Materials available: change' : 'Mark materials available')}
        {shared('setServiceType', 'Edit service type')}
        {shared('setEstimatedDeliveryDate', 'Edit dates')}
        <ActionButton action={a.subassign} label="Subassign" onClick={() => setOpen('subassign')} testId="subassign" />
        {/* Offered only while the API allows it: most requests are not subassigned. */}
        {a.takeBack?.allowed && <ActionButton action={a.takeBack} label="Take back" onClick={() => setOpen('takeBack')} testId="takeBack" />}
        {/* One place for the pair: whichever the API allows, else the greyed one that applies. */}
        {cancelSlot === 'uncancel' ? shared('uncancel', 'Uncancel request') : shared('cancel', 'Cancel request')}
        <ActionButton action={a.requestRedelivery} label="Request redelivery" onClick={() => setOpen('requestRedelivery')} testId="requestRedelivery" />
        <ActionButton action={a.upgrade} label="Upgrade" onClick={() => setOpen('upgrade')} testId="upgrade" />
      </div>
      {Shared && <Shared ids={[r.id]} onClose={close} />}
      {open === 'subassign' && <SubassignDialog requestId={r.id} onClose={close} />}
      {open === 'takeBack' && (
        <DecisionDialog
          title="Take the request back"
          path={`/v1/requests/${encodeURIComponent(r.id)}/take-back`}
          submit="Take back"
          reason="none"
          withComment
          intro={<p className="muted">The subassignment to {r.subAssignee} ends: your facility has the work again and {r.subAssignee} no longer sees the request.</p>}
          onClose={close}
          testId="take-back-dialog"
        />
      )}
      {open === 'requestRedelivery' && (
        <DecisionDialog
          title="Request redelivery"
          path={`/v1/requests/${encodeURIComponent(r.id)}/redelivery`}
          submit="Request redelivery"
          reason="required"
          withComment
          intro={<p className="muted">The request becomes Redelivery Requested and the partner is asked to deliver again.</p>}
          onClose={close}
          testId="redelivery-dialog"
        />
      )}
      {open === 'upgrade' && (
        <UpgradeDialog
          request={r}
          onClose={(changed, created) => {
            close(changed)
            if (created) navigate(`/requests/${created}`)
          }}
        />
      )}
    </header>
  )
}
