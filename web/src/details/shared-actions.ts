// The request actions whose dialogs live in web/src/actions (shared with
// the dashboard, each taking a list of request IDs and showing each one's
// result): the details page opens them for its one request. A button whose
// dialog is not registered here is greyed with `notYet`.
import { createElement, useRef, type ComponentType } from 'react'
import { RequestActionDialog, type DialogAction } from '../actions'
import type { RequestActionKey } from './types'

/** The actions the dashboard's dialogs take, keyed as the API's `actions` name them. */
export type SharedActionKey = Extract<
  RequestActionKey,
  'setMaterialStatus' | 'setMaterialsAvailable' | 'setServiceType' | 'setEstimatedDeliveryDate' | 'cancel' | 'uncancel'
>

/** What the details page gives a shared dialog. */
export interface SharedDialogProps {
  /** The requests to act on: here always the one request of the page. */
  ids: string[]
  /** Called when the dialog closes; changed: something was saved, so the page reloads. */
  onClose: (changed: boolean) => void
}

export type SharedDialogs = Partial<Record<SharedActionKey, ComponentType<SharedDialogProps>>>

/** sharedDialog adapts the shared dialog of action to the details page: it
 * closes with changed = true when the action ran for the request. */
function sharedDialog(action: DialogAction & SharedActionKey): ComponentType<SharedDialogProps> {
  function Dialog({ ids, onClose }: SharedDialogProps) {
    const changed = useRef(false)
    return createElement(RequestActionDialog, {
      action,
      ids,
      onDone: (results) => {
        changed.current = changed.current || results.some((r) => r.ok)
      },
      onClose: () => onClose(changed.current),
    })
  }
  Dialog.displayName = `SharedDialog(${action})`
  return Dialog
}

export const sharedDialogs: SharedDialogs = {
  setMaterialStatus: sharedDialog('setMaterialStatus'),
  setMaterialsAvailable: sharedDialog('setMaterialsAvailable'),
  setServiceType: sharedDialog('setServiceType'),
  setEstimatedDeliveryDate: sharedDialog('setEstimatedDeliveryDate'),
  cancel: sharedDialog('cancel'),
  uncancel: sharedDialog('uncancel'),
}

/** The note on an allowed action whose dialog is not registered yet. */
export const notYet = 'Take this action from Source Management for now.'
