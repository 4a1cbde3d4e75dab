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
