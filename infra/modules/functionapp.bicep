// The function app: Flex Consumption (FC1) on Linux, runtime 'custom' (an Azure Functions custom handler:
// the Functions host starts the self-contained Billing.Functions executable named in host.json and calls it
// over HTTP). All connections use the user-assigned identity; secrets are Key Vault references.

import { issuerDetails } from 'types.bicep'

@description('Azure region.')
param location string

@description('Hosting plan name.')
param planName string

@description('Function app name (globally unique; becomes <name>.azurewebsites.net).')
param appName string

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity.')
param identityClientId string

@description('Storage account name (AzureWebJobsStorage, deployment container, billing tables).')
param storageAccountName string

@description('Blob endpoint of the storage account.')
param blobEndpoint string

@description('Table endpoint of the storage account.')
param tableEndpoint string

@description('Container that holds the deployment package.')
param deploymentContainerName string

@description('Event Hubs namespace host name, e.g. <name>.servicebus.windows.net.')
param eventHubFullyQualifiedNamespace string

@description('Consumer group the eventHubTrigger functions read with.')
param eventHubConsumerGroup string

@description('Payers published with a sub-shard partition key (Billing__Publishing__HotPayers__<i>).')
param publishingHotPayers string[]

@description('Key Vault URI, e.g. https://<name>.vault.azure.net/.')
param keyVaultUri string

@description('Secret names in the vault, keyed by purpose.')
param secretNames {
  stripeSecretKey: string
  stripeWebhookSecret: string
  solanaTreasuryKeypair: string
  ledgerAnchorKeypair: string
  ledgerSealKey: string
}

@description('Reference the Stripe API key secret (invoice sync on). False leaves Billing__Stripe__SecretKey unset: sync off.')
param stripeInvoiceSync bool

@description('Reference the ledger anchor keypair secret. False leaves Billing__Ledger__AnchorKeypair unset: the treasury signs anchors.')
param dedicatedAnchorKeypair bool

@description('Application Insights component name.')
param appInsightsName string

@description('Prefix of the billing tables (Billing__Storage__TablePrefix).')
param tablePrefix string

@description('NCRONTAB schedule of the ClosePeriods timer (Billing__Invoicing__CloseSchedule).')
param closeSchedule string

@description('Wait after a month ends before the timer closes it (Billing__Invoicing__CloseGrace, d.hh:mm:ss).')
param closeGrace string

@description('Age past which a month closes only with ?force=true (Billing__Invoicing__MaxCloseAge, d.hh:mm:ss).')
param maxCloseAge string

@description('Days the hubs keep an event (Billing__Metering__HubRetention): metering logs a lag past half of it as an error.')
@minValue(1)
@maxValue(7)
param hubRetentionDays int

@description('Minutes of lag from which metering logs a warning (Billing__Metering__LagWarning); the alert rule uses the same threshold.')
@minValue(5)
@maxValue(5040)
param meteringLagWarningMinutes int

@description('NCRONTAB schedule of the BurnExecutor timer (Billing__Burns__Schedule).')
param burnSchedule string

@description('NCRONTAB schedule of the AnchorLedger timer (Billing__Ledger__AnchorSchedule).')
param anchorSchedule string

@description('Pyth price account, base58 (Billing__Burns__PythPriceAccount). Empty only when additionalAppSettings sets Billing__Burns__FixedPrice (test deployments): the app refuses to start without a price source.')
param pythPriceAccount string

@description('The operator\'s token price band in USD (Billing__Burns__MinTokenPriceUsd / MaxTokenPriceUsd); an empty bound is no bound.')
param priceBand { min: string, max: string } = { min: '', max: '' }

@description('The issuer printed on invoices (Billing__Invoicing__Issuer__*).')
param invoiceIssuer issuerDetails

@description('Solana JSON-RPC URL (Billing__Solana__RpcUrl).')
param solanaRpcUrl string

@description('Token mint address, base58 (Billing__Solana__Mint).')
param solanaMint string

@description('Extra app settings (name -> value), e.g. schedules of later timer functions. They override the defaults above.')
param additionalAppSettings object

@description('Upper bound of instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Instance memory size in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Always-ready (pre-provisioned) instances for the HTTP functions; 0 = scale to zero.')
@minValue(0)
@maxValue(20)
param alwaysReadyHttpInstances int

@description('Tags applied to the resources.')
param tags object

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

var keyVaultReference = {
  stripeSecretKey: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${secretNames.stripeSecretKey}/)'
  stripeWebhookSecret: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${secretNames.stripeWebhookSecret}/)'
  solanaTreasuryKeypair: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${secretNames.solanaTreasuryKeypair}/)'
  ledgerAnchorKeypair: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${secretNames.ledgerAnchorKeypair}/)'
  ledgerSealKey: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${secretNames.ledgerSealKey}/)'
}

// Flex Consumption has no FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION app settings: the runtime
// ('custom') is declared in functionAppConfig.runtime below and the host is always 4.x.
var baseAppSettings = {
  // Host storage over Microsoft Entra ID (no connection string, no account key).
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId

  // Connection named "EventHubConnection" in function.json (the eventHubTriggers).
  EventHubConnection__fullyQualifiedNamespace: eventHubFullyQualifiedNamespace
  EventHubConnection__credential: 'managedidentity'
  EventHubConnection__clientId: identityClientId
  EventHubConsumerGroup: eventHubConsumerGroup

  // The app's own publisher (Azure.Messaging.EventHubs, partition key from the payer): the same namespace and
  // identity (DefaultAzureCredential with AZURE_CLIENT_ID; Azure Event Hubs Data Sender on each hub).
  Billing__Publishing__FullyQualifiedNamespace: eventHubFullyQualifiedNamespace

  // Telemetry of the host, authenticated with the identity (Monitoring Metrics Publisher);
  // APPLICATIONINSIGHTS_CONNECTION_STRING is added below (it is only known once the component exists).
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'

  // The app's own Azure SDK clients (DefaultAzureCredential) pick the user-assigned identity by this id.
  AZURE_CLIENT_ID: identityClientId

  // Billing app configuration (see local.settings.sample.json for the local equivalents).
  Billing__Storage__TableServiceUri: tableEndpoint
  Billing__Storage__TablePrefix: tablePrefix
  Billing__Partners__Seed: 'false'
  Billing__Invoicing__CloseSchedule: closeSchedule
  Billing__Invoicing__CloseGrace: closeGrace
  Billing__Invoicing__MaxCloseAge: maxCloseAge
  Billing__Metering__HubRetention: '${hubRetentionDays}.00:00:00'
  Billing__Metering__LagWarning: '${meteringLagWarningMinutes / 1440}.${(meteringLagWarningMinutes % 1440) / 60}:${meteringLagWarningMinutes % 60}:00' // d.h:m:ss
  Billing__Burns__Schedule: burnSchedule
  Billing__Ledger__AnchorSchedule: anchorSchedule
  Billing__Stripe__WebhookSecret: keyVaultReference.stripeWebhookSecret
  Billing__Ledger__SealKey: keyVaultReference.ledgerSealKey
  Billing__Solana__RpcUrl: solanaRpcUrl
  Billing__Solana__Mint: solanaMint
  Billing__Solana__TreasuryKeypair: keyVaultReference.solanaTreasuryKeypair
}

var stripeKeySetting = stripeInvoiceSync
  ? {
      Billing__Stripe__SecretKey: keyVaultReference.stripeSecretKey
    }
  : {}

var anchorKeySetting = dedicatedAnchorKeypair
  ? {
      Billing__Ledger__AnchorKeypair: keyVaultReference.ledgerAnchorKeypair
    }
  : {}

var priceSetting = union(
  empty(pythPriceAccount)
    ? {}
    : {
        Billing__Burns__PythPriceAccount: pythPriceAccount
      },
  empty(priceBand.min)
    ? {}
    : {
        Billing__Burns__MinTokenPriceUsd: priceBand.min
      },
  empty(priceBand.max)
    ? {}
    : {
        Billing__Burns__MaxTokenPriceUsd: priceBand.max
      }
)

// Optional issuer fields only when given: an empty Email would still be bound (and printed) as an empty line.
var issuerSettings = union(
  {
    Billing__Invoicing__Issuer__Name: invoiceIssuer.name
  },
  toObject(
    range(0, length(invoiceIssuer.address)),
    i => 'Billing__Invoicing__Issuer__Address__${i}',
    i => invoiceIssuer.address[i]
  ),
  empty(invoiceIssuer.email)
    ? {}
    : {
        Billing__Invoicing__Issuer__Email: invoiceIssuer.email
      },
  empty(invoiceIssuer.taxId)
    ? {}
    : {
        Billing__Invoicing__Issuer__TaxId: invoiceIssuer.taxId
      }
)

// A list setting binds from indexed keys: Billing__Publishing__HotPayers__0, __1, …
var hotPayerSettings = toObject(
  range(0, length(publishingHotPayers)),
  i => 'Billing__Publishing__HotPayers__${i}',
  i => publishingHotPayers[i]
)

var appSettings = union(
  baseAppSettings,
  issuerSettings,
  hotPayerSettings,
  stripeKeySetting,
  anchorKeySetting,
  priceSetting,
  additionalAppSettings
)

var appSettingList = [
  for setting in items(appSettings): {
    name: setting.key
    value: string(setting.value)
  }
]

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true // Linux
  }
}

resource app 'Microsoft.Web/sites@2024-11-01' = {
  name: appName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    // Key Vault references resolve with the user-assigned identity (Key Vault Secrets User).
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: concat(appSettingList, [
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsights.properties.ConnectionString
        }
      ])
    }
    functionAppConfig: {
      runtime: {
        name: 'custom'
        version: '1.0'
      }
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: alwaysReadyHttpInstances > 0
          ? [
              {
                name: 'http'
                instanceCount: alwaysReadyHttpInstances
              }
            ]
          : []
      }
    }
  }
}

// No FTP / basic-auth publishing: deployments authenticate with Microsoft Entra ID (az CLI token).
resource ftpPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

@description('Function app name.')
output name string = app.name

@description('Default host name, e.g. <name>.azurewebsites.net (API base: https://<host>/api).')
output defaultHostName string = app.properties.defaultHostName
