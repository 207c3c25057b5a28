// Enumerations the API documents with their display names (x-enum-names in
// /openapi.json): the reasons for an estimated delivery date change, the
// material statuses, the service types. Read once, when first needed, so
// the portal offers exactly what the API takes.
import type { Api } from './api'

export interface EnumValue {
  code: string
  name: string
}

interface Schema {
  enum?: string[]
  'x-enum-names'?: Record<string, string>
  properties?: Record<string, Schema>
  $ref?: string
}

interface Document {
  components?: { schemas?: Record<string, Schema> }
}

let document: Promise<Document> | undefined

function load(api: Api): Promise<Document> {
  if (!document) {
    document = api.get<Document>('/openapi.json')
    document.catch(() => (document = undefined)) // try again next time
  }
  return document
}

/** The values of a property of a schema (e.g. BulkEstimatedDeliveryDateRequest.reason), with their names. */
export async function enumOf(api: Api, schema: string, property: string): Promise<EnumValue[]> {
  const doc = await load(api)
  const schemas = doc.components?.schemas ?? {}
  let prop = schemas[schema]?.properties?.[property]
  if (prop?.$ref) prop = schemas[prop.$ref.replace('#/components/schemas/', '')]
  const codes = prop?.enum ?? []
  if (!codes.length) throw new Error(`The API document names no values for ${schema}.${property}.`)
  const names = prop?.['x-enum-names'] ?? {}
  // An input enum lists the display names after the codes (both are taken): offer the codes, named.
  const named = Object.keys(names).length ? codes.filter((code) => code in names) : codes
  return named.map((code) => ({ code, name: names[code] ?? code }))
}
