// DePIN usage-billing platform on Azure: Event Hubs, Storage, Key Vault, Application Insights and a
// Flex Consumption function app running Billing.Functions as an Azure Functions custom handler.
// Deploy with infra/deploy.sh (see infra/README.md).

targetScope = 'resourceGroup'

import { partnerSender } from 'modules/types.bicep'

// ---------------------------------------------------------------------------------------------------
// Naming and placement
// ---------------------------------------------------------------------------------------------------

@description('Short prefix of every resource name: 2-8 lowercase letters or digits, starting with a letter (e.g. "billing").')
@minLength(2)
@maxLength(8)
param namePrefix string = 'billing'

@description('Azure region of all resources. Must offer Flex Consumption (az functionapp list-flexconsumption-locations).')
param location string = resourceGroup().location

@description('Tags applied to every resource.')
param tags object = {
  workload: 'depin-billing'
}

// ---------------------------------------------------------------------------------------------------
// Event Hubs
// ---------------------------------------------------------------------------------------------------

@description('Partitions per hub (carrier-offload, compute-usage, declared-usage). Upper bound of parallel metering instances per hub; fixed after creation on Standard.')
@minValue(1)
@maxValue(32)
param eventHubPartitionCount int = 8

@description('Days events stay in the hubs (Standard tier: 1-7). Replays older than this are impossible, and an event not metered by then is lost: metering logs its lag as an error past half of it (Billing__Metering__HubRetention).')
@minValue(1)
@maxValue(7)
param eventHubMessageRetentionDays int = 7

@description('Throughput units of the namespace.')
@minValue(1)
@maxValue(40)
param eventHubThroughputUnits int = 1

@description('Auto-inflate ceiling in throughput units; 0 disables auto-inflate.')
@minValue(0)
@maxValue(40)
param eventHubMaxThroughputUnits int = 4

@description('Consumer group of the billing app on every hub (app setting EventHubConsumerGroup).')
@minLength(1)
@maxLength(50)
param eventHubConsumerGroup string = 'billing-app'

@description('Payers whose usage is spread over their fact shards when published (Event Hubs partition key <payer>|<shard> instead of <payer>): carriers one metering instance cannot keep up with. Billing__Publishing__HotPayers__<i>.')
param publishingHotPayers string[] = []

@description('Partners that may publish directly to one hub with their own send-only SAS policy, e.g. [{ partnerId: \'carrier-tmo\', hub: \'carrier-offload\' }]. Empty (default): no SAS policies and shared-key auth stays disabled on the namespace.')
param partnerSenders partnerSender[] = []

// ---------------------------------------------------------------------------------------------------
// Storage
// ---------------------------------------------------------------------------------------------------

@description('Storage replication.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSku string = 'Standard_ZRS'

@description('Days deleted blobs/containers are recoverable.')
@minValue(1)
@maxValue(365)
param storageSoftDeleteDays int = 7

@description('Prefix of the billing tables (Billing__Storage__TablePrefix): letters and digits, starting with a letter. At most 32: the ledger is named by it on chain (at most 32), and the longest table name it goes before (quarantine) leaves 53 of 63.')
@minLength(1)
@maxLength(32)
param tablePrefix string = 'billing'

// ---------------------------------------------------------------------------------------------------
// Function app (Flex Consumption)
// ---------------------------------------------------------------------------------------------------

@description('Maximum instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory per instance (MB).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Always-ready instances for the HTTP functions (avoids cold starts on the ingest API; billed while idle). 0 = scale to zero.')
@minValue(0)
@maxValue(20)
param alwaysReadyHttpInstances int = 0

@description('NCRONTAB (6 fields, UTC) of the ClosePeriods timer: closes finished billing periods.')
param closeSchedule string = '0 30 0 * * *'

@description('How long after a month ends the ClosePeriods timer waits before closing it (Billing__Invoicing__CloseGrace, a .NET TimeSpan d.hh:mm:ss, 0 to 20 days): late usage inside the grace lands in the month it belongs to.')
param closeGrace string = '1.00:00:00'

@description('Months that ended longer ago than this close only with ?force=true (Billing__Invoicing__MaxCloseAge, d.hh:mm:ss, 31 days to 10 years).')
param maxCloseAge string = '92.00:00:00'

@description('NCRONTAB (6 fields, UTC) of the BurnExecutor timer: signs and submits pending token burns.')
param burnSchedule string = '0 */1 * * * *'

@description('NCRONTAB (6 fields, UTC) of the AnchorLedger timer: anchors new ledger entries on Solana.')
param anchorSchedule string = '0 */10 * * * *'

@description('Extra app settings (name -> string value), e.g. the schedules of further timer functions. Applied last, so they can override the defaults.')
param additionalAppSettings object = {}

// ---------------------------------------------------------------------------------------------------
// Payments and chain
// ---------------------------------------------------------------------------------------------------

@description('Solana JSON-RPC endpoint (Billing__Solana__RpcUrl), e.g. https://api.devnet.solana.com.')
@minLength(1)
param solanaRpcUrl string

@description('Base58 address of the SPL token mint that is burned (Billing__Solana__Mint).')
@minLength(32)
@maxLength(44)
param solanaMint string

@description('Pyth price account (base58) used to convert USD to tokens (Billing__Burns__PythPriceAccount). Required. Empty only for a test deployment that sets Billing__Burns__FixedPrice through additionalAppSettings; with neither the app refuses to start.')
@maxLength(44)
param pythPriceAccount string

@description('Lowest token price in USD a burn is signed at (Billing__Burns__MinTokenPriceUsd), e.g. \'0.50\'; a quote below it makes burns wait. Empty: no lower bound (the app warns at start when a Pyth account has no full band). Set it with pythPriceAccount: a feed glitch quoting far below the market would otherwise burn a multiple of the tokens.')
param minTokenPriceUsd string = ''

@description('Highest token price in USD a burn is signed at (Billing__Burns__MaxTokenPriceUsd), e.g. \'20\'; a quote above it makes burns wait. Empty: no upper bound.')
param maxTokenPriceUsd string = ''

@description('Who issues the invoices, as printed on every invoice PDF (Billing__Invoicing__Issuer__Name): legal or trading name, at most 120 printable characters. Required: the app\'s own default reads "(local development)".')
@minLength(1)
@maxLength(120)
param invoiceIssuerName string

@description('Postal address of the issuer, one line each (Billing__Invoicing__Issuer__Address__<i>), at most 6 lines of 120 characters.')
@maxLength(6)
param invoiceIssuerAddress string[] = []

@description('Billing contact printed on invoices (Billing__Invoicing__Issuer__Email). Empty: none.')
param invoiceIssuerEmail string = ''

@description('VAT or tax number printed on invoices (Billing__Invoicing__Issuer__TaxId). Empty: none.')
param invoiceIssuerTaxId string = ''

@description('Push invoices to Stripe: the app references the Stripe API key secret. False: Billing__Stripe__SecretKey stays unset and sync is off.')
param stripeInvoiceSync bool = true

@secure()
@description('Optional. Stripe secret/restricted API key, written to Key Vault when given. Otherwise set the secret later (README).')
param stripeSecretKey string = ''

@secure()
@description('Optional. Stripe webhook signing secret (whsec_...), written to Key Vault when given. Otherwise set the secret later (README).')
param stripeWebhookSecret string = ''

@secure()
@description('Optional. Solana treasury keypair, written to Key Vault when given. Otherwise set the secret later (README).')
param solanaTreasuryKeypair string = ''

@description('Sign ledger anchors with their own keypair: the app references the ledger-anchor-keypair secret (Billing__Ledger__AnchorKeypair). False: the setting stays unset and the treasury signs anchors.')
param dedicatedAnchorKeypair bool = false

@secure()
@description('Optional. Ledger anchor authority keypair, written to Key Vault when given. Otherwise set the secret later (README); read only with dedicatedAnchorKeypair.')
param ledgerAnchorKeypair string = ''

@secure()
@description('Optional. Ledger seal key (base64 of at least 32 random bytes), written to Key Vault when given. Otherwise set the secret later (README). Always referenced as Billing__Ledger__SealKey.')
param ledgerSealKey string = ''

// ---------------------------------------------------------------------------------------------------
// Key Vault and monitoring
// ---------------------------------------------------------------------------------------------------

@description('Key Vault purge protection (irreversible once on). Recommended for production; off makes test environments disposable.')
param keyVaultPurgeProtection bool = true

@description('Days a deleted vault or secret can be recovered.')
@minValue(7)
@maxValue(90)
param keyVaultSoftDeleteDays int = 90

@description('Optional object id of the operator (user/group/service principal) who sets the secrets; gets Key Vault Secrets Officer. Empty: no assignment.')
param vaultOperatorPrincipalId string = ''

@description('Type of vaultOperatorPrincipalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param vaultOperatorPrincipalType string = 'User'

@description('Days Log Analytics retains telemetry.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('Reject telemetry that is not Microsoft Entra-authenticated (instrumentation key alone is not enough).')
param appInsightsDisableLocalAuth bool = true

@description('Age of the oldest event a metering batch reads from which metering is lagging (minutes): the app logs a warning (Billing__Metering__LagWarning) and the alert rule on billing.metering.lag fires. Less than half of eventHubMessageRetentionDays.')
@minValue(5)
@maxValue(5040)
param meteringLagAlertMinutes int = 60

@description('Email address the monitoring alerts are sent to (an action group). Empty: the alert rules still fire and show in the portal, but notify no one.')
param alertEmail string = ''

// ---------------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------------

var token = uniqueString(resourceGroup().id)
var names = {
  identity: '${namePrefix}-id-${token}'
  logAnalytics: '${namePrefix}-log-${token}'
  appInsights: '${namePrefix}-appi-${token}'
  storage: take(toLower('${replace(namePrefix, '-', '')}st${token}'), 24)
  eventHubNamespace: '${namePrefix}-ehns-${token}'
  keyVault: take('${namePrefix}-kv-${token}', 24)
  plan: '${namePrefix}-plan-${token}'
  functionApp: '${namePrefix}-func-${token}'
  deploymentContainer: 'app-package'
}

// Hub names are part of the app contract: the metering triggers name them (function.json eventHubName) and ingestion
// publishes to the same fixed names (Billing.Publishing.UsageHubNames); no setting names them.
var hubNames = [
  'carrier-offload'
  'compute-usage'
  'declared-usage'
]

var secretNames = {
  stripeSecretKey: 'stripe-secret-key'
  stripeWebhookSecret: 'stripe-webhook-secret'
  solanaTreasuryKeypair: 'solana-treasury-keypair'
  ledgerAnchorKeypair: 'ledger-anchor-keypair'
  ledgerSealKey: 'ledger-seal-key'
}

// ---------------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------------

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    location: location
    name: names.identity
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    workspaceName: names.logAnalytics
    appInsightsName: names.appInsights
    retentionInDays: logRetentionDays
    disableLocalAuth: appInsightsDisableLocalAuth
    meteringLagAlertSeconds: meteringLagAlertMinutes * 60
    alertEmail: alertEmail
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    name: names.storage
    skuName: storageSku
    deploymentContainerName: names.deploymentContainer
    softDeleteRetentionDays: storageSoftDeleteDays
    tags: tags
  }
}

module eventHubs 'modules/eventhubs.bicep' = {
  name: 'eventhubs'
  params: {
    location: location
    name: names.eventHubNamespace
    hubNames: hubNames
    partitionCount: eventHubPartitionCount
    messageRetentionDays: eventHubMessageRetentionDays
    capacity: eventHubThroughputUnits
    maximumThroughputUnits: eventHubMaxThroughputUnits
    consumerGroupName: eventHubConsumerGroup
    partnerSenders: partnerSenders
    tags: tags
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    name: names.keyVault
    softDeleteRetentionInDays: keyVaultSoftDeleteDays
    enablePurgeProtection: keyVaultPurgeProtection
    secretNames: secretNames
    stripeSecretKey: stripeSecretKey
    stripeWebhookSecret: stripeWebhookSecret
    solanaTreasuryKeypair: solanaTreasuryKeypair
    ledgerAnchorKeypair: ledgerAnchorKeypair
    ledgerSealKey: ledgerSealKey
    tags: tags
  }
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  params: {
    identityName: names.identity
    eventHubNamespaceName: names.eventHubNamespace
    hubNames: hubNames
    storageAccountName: names.storage
    keyVaultName: names.keyVault
    appInsightsName: names.appInsights
    vaultOperatorPrincipalId: vaultOperatorPrincipalId
    vaultOperatorPrincipalType: vaultOperatorPrincipalType
  }
  // Names are passed (not outputs) so what-if can predict the assignments; order comes from here.
  dependsOn: [
    identity
    eventHubs
    storage
    keyVault
    monitoring
  ]
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    location: location
    planName: names.plan
    appName: names.functionApp
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    blobEndpoint: storage.outputs.blobEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    eventHubFullyQualifiedNamespace: eventHubs.outputs.fullyQualifiedNamespace
    eventHubConsumerGroup: eventHubConsumerGroup
    publishingHotPayers: publishingHotPayers
    keyVaultUri: keyVault.outputs.uri
    secretNames: secretNames
    stripeInvoiceSync: stripeInvoiceSync
    dedicatedAnchorKeypair: dedicatedAnchorKeypair
    appInsightsName: names.appInsights
    tablePrefix: tablePrefix
    closeSchedule: closeSchedule
    closeGrace: closeGrace
    maxCloseAge: maxCloseAge
    hubRetentionDays: eventHubMessageRetentionDays
    meteringLagWarningMinutes: meteringLagAlertMinutes
    burnSchedule: burnSchedule
    anchorSchedule: anchorSchedule
    pythPriceAccount: pythPriceAccount
    priceBand: {
      min: minTokenPriceUsd
      max: maxTokenPriceUsd
    }
    invoiceIssuer: {
      name: invoiceIssuerName
      address: invoiceIssuerAddress
      email: invoiceIssuerEmail
      taxId: invoiceIssuerTaxId
    }
    solanaRpcUrl: solanaRpcUrl
    solanaMint: solanaMint
    additionalAppSettings: additionalAppSettings
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    alwaysReadyHttpInstances: alwaysReadyHttpInstances
    tags: tags
  }
  // The app starts using its identity immediately; grant the roles first.
  dependsOn: [
    monitoring
    rbac
  ]
}

// ---------------------------------------------------------------------------------------------------
// Outputs (names only; no secrets)
// ---------------------------------------------------------------------------------------------------

@description('Function app name (az functionapp ... --name).')
output functionAppName string = functionApp.outputs.name

@description('Default host name; the API is https://<host>/api.')
output functionAppHostName string = functionApp.outputs.defaultHostName

@description('Event Hubs namespace name.')
output eventHubNamespace string = eventHubs.outputs.name

@description('Event Hubs fully qualified namespace (for producers using Microsoft Entra ID).')
output eventHubFullyQualifiedNamespace string = eventHubs.outputs.fullyQualifiedNamespace

@description('Partner send-only SAS policies, as <hub>/<policy>.')
output partnerSendPolicies string[] = eventHubs.outputs.partnerPolicyNames

@description('Storage account name.')
output storageAccount string = storage.outputs.name

@description('Key Vault name (set the secrets here).')
output keyVaultName string = keyVault.outputs.name

@description('Client id of the app\'s user-assigned managed identity.')
output appIdentityClientId string = identity.outputs.clientId
