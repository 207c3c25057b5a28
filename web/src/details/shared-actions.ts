// MERGE HOOK (issue 15): the request actions whose dialogs the dashboard
// branch builds in web/src/actions (each taking a list of request IDs).
// The details page offers them from the API's `actions` already; a button
// whose dialog is not registered here is greyed with `notYet`. After both
// branches are merged, register each dialog below (an adapter if its props
// differ), and the details page opens it for its one request:
//
//   import { MaterialStatusDialog } from '../actions/MaterialStatusDialog'
//   export const sharedDialogs: SharedDialogs = {
//     setMaterialStatus: MaterialStatusDialog,
//     ...
//   }
//
// Nothing else in web/src/details needs to change.
import type { ComponentType } from 'react'
import type { RequestActionKey } from './types'

/** The actions the dashboard's dialogs take, keyed as the API's `actions` name them. */
export type SharedActionKey = Extract<
  RequestActionKey,
  'setMaterialStatus' | 'setServiceType' | 'setEstimatedDeliveryDate' | 'cancel' | 'uncancel'
>

/** What the details page gives a shared dialog. */
export interface SharedDialogProps {
  /** The requests to act on: here always the one request of the page. */
  ids: string[]
  /** Called when the dialog closes; changed: something was saved, so the page reloads. */
  onClose: (changed: boolean) => void
}

export type SharedDialogs = Partial<Record<SharedActionKey, ComponentType<SharedDialogProps>>>

export const sharedDialogs: SharedDialogs = {
  // MERGE HOOK: setMaterialStatus, setServiceType, setEstimatedDeliveryDate, cancel, uncancel
}

/** The note on an allowed action whose dialog is not registered yet. */
export const notYet = 'Take this action from Source Management for now.'
