// What the API says about requests and what the caller may do to them:
// the shapes of `actions` (GET /v1/requests/{id}, search rows with
// columns=...,actions) and of bulk results. The UI shows and greys actions
// from these; it never decides a rule itself.

/** The actions a request carries, as the API names them. */
export type ActionName =
  | 'setMaterialStatus'
  | 'cancel'
  | 'uncancel'
  | 'subassign'
  | 'takeBack'
  | 'setEstimatedDeliveryDate'
  | 'setServiceType'
  | 'setMaterialsAvailable'
  | 'comment'
  | 'deliver'
  | 'requestRedelivery'
  | 'upgrade'
  | 'downloadMaterials'

/** One action for the caller: allowed, or not and why (code and reason are what taking it would answer). */
export interface ActionState {
  allowed: boolean
  code?: string
  reason?: string
}

export type Actions = Partial<Record<ActionName, ActionState>>

/** How to show an action: hidden (the caller can never take it), greyed with a reason, or enabled. */
export interface ActionView {
  show: boolean
  enabled: boolean
  reason?: string
}

/**
 * How to show one action of one request. code "forbidden" means this
 * caller can never take it on this request: hide it. Any other refusal is
 * greyed out with the API's reason. Without an answer from the API the
 * action is offered and the API decides when it is taken.
 */
export function actionView(state: ActionState | undefined): ActionView {
  if (!state) return { show: true, enabled: true }
  if (state.allowed) return { show: true, enabled: true }
  if (state.code === 'forbidden') return { show: false, enabled: false, reason: state.reason }
  return { show: true, enabled: false, reason: state.reason }
}

/**
 * How to show an action for a selection of requests: shown when any of
 * them could ever take it, enabled when any of them may take it now (the
 * others are refused by the API, each with its reason). Requests the API
 * said nothing about count as allowed.
 */
export function selectionView(name: ActionName, selected: Iterable<{ actions?: Actions }>): ActionView & { allowed: number; total: number } {
  let total = 0
  let allowed = 0
  let shown = 0
  const reasons = new Map<string, number>()
  for (const r of selected) {
    total++
    const v = actionView(r.actions?.[name])
    if (v.show) shown++
    if (v.enabled) allowed++
    else if (v.reason) reasons.set(v.reason, (reasons.get(v.reason) ?? 0) + 1)
  }
  if (total === 0) return { show: true, enabled: false, allowed, total, reason: 'Select requests first' }
  if (shown === 0) return { show: false, enabled: false, allowed, total }
  if (allowed > 0) return { show: true, enabled: true, allowed, total }
  const top = [...reasons.entries()].sort((a, b) => b[1] - a[1])[0]?.[0]
  const reason = total === 1 ? top : `None of the ${total} selected requests allows it${top ? `: ${top}` : ''}`
  return { show: true, enabled: false, allowed, total, reason }
}

/** One request's result of a bulk action (POST /v1/requests/material-status and the like). */
export interface BulkResult {
  id: string
  ok: boolean
  code?: string
  message?: string
}

export interface BulkAnswer {
  results: BulkResult[]
}
