// Shared user-defined types for main.bicep and its modules.

@export()
@description('An Event Hub the billing app reads and writes (the names are part of the app contract: see functions/Billing.Functions/*/function.json).')
type hubName = 'carrier-offload' | 'compute-usage' | 'declared-usage'

@export()
@description('A partner that may publish straight to one hub with a send-only SAS policy (in addition to POST /api/v1/usage).')
type partnerSender = {
  @description('Partner id as registered in the billing app (e.g. carrier-tmo). Used in the policy name send-<partnerId>.')
  @minLength(1)
  @maxLength(40)
  partnerId: string

  @description('The only hub this partner may send to.')
  hub: hubName
}

@export()
@description('The invoice issuer printed on every invoice (Billing:Invoicing:Issuer).')
type issuerDetails = {
  @description('Legal or trading name.')
  @minLength(1)
  @maxLength(120)
  name: string

  @description('Postal address, one line each (at most 6).')
  @maxLength(6)
  address: string[]

  @description('Billing contact e-mail; empty: none.')
  email: string

  @description('VAT or tax number; empty: none.')
  taxId: string
}
