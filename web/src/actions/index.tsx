// Request actions for any page: dialogs that take a list of request IDs
// (the dashboard's selection, or the one request of its details page) and
// show each request's result, and how to show an action from the API's
// `actions` (hide what is forbidden, grey what is refused, with its reason).
import type { ActionName } from '../lib/requests'
import type { ActionDialogProps } from './ActionDialog'
import { CancelDialog, CommentDialog, EstimatedDeliveryDialog, MaterialsAvailableDialog, MaterialStatusDialog, ServiceTypeDialog } from './dialogs'

export { ActionDialog, eachRequest, requestLabel, type ActionDialogProps, type KnownRequest } from './ActionDialog'
export { CancelDialog, CommentDialog, EstimatedDeliveryDialog, MaterialsAvailableDialog, MaterialStatusDialog, ServiceTypeDialog } from './dialogs'
export { actionView, selectionView, type ActionName, type ActionState, type ActionView, type Actions, type BulkResult } from '../lib/requests'

/** The actions that have a dialog here, by the API's action name. */
export type DialogAction = Extract<ActionName, 'setMaterialStatus' | 'setMaterialsAvailable' | 'setServiceType' | 'setEstimatedDeliveryDate' | 'comment' | 'cancel' | 'uncancel'>

export const dialogActions: { action: DialogAction; label: string }[] = [
  { action: 'setMaterialStatus', label: 'Edit material status' },
  { action: 'setMaterialsAvailable', label: 'Materials available' },
  { action: 'setServiceType', label: 'Edit service type' },
  { action: 'setEstimatedDeliveryDate', label: 'Edit estimated delivery date' },
  { action: 'comment', label: 'Comment' },
  { action: 'cancel', label: 'Cancel' },
  { action: 'uncancel', label: 'Uncancel' },
]

/** The dialog of an action: <RequestActionDialog action="cancel" ids={[id]} onClose=… />. */
export function RequestActionDialog({ action, ...props }: ActionDialogProps & { action: DialogAction }) {
  switch (action) {
    case 'setMaterialStatus':
      return <MaterialStatusDialog {...props} />
    case 'setMaterialsAvailable':
      return <MaterialsAvailableDialog {...props} />
    case 'setServiceType':
      return <ServiceTypeDialog {...props} />
    case 'setEstimatedDeliveryDate':
      return <EstimatedDeliveryDialog {...props} />
    case 'comment':
      return <CommentDialog {...props} />
    case 'cancel':
      return <CancelDialog {...props} />
    case 'uncancel':
      return <CancelDialog {...props} uncancel />
  }
}
