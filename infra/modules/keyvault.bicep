// Key Vault (RBAC authorization, soft delete) for the app's secrets. A secret is written only when its
// value is passed (as a @secure() parameter); otherwise the operator sets it later with
// `az keyvault secret set` (see infra/README.md). The app reads them through Key Vault references.

@description('Azure region.')
param location string

@description('Vault name (3-24 characters, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Days a deleted vault or secret can be recovered.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int

@description('Purge protection: once enabled it cannot be turned off, and deleted secrets cannot be purged before the retention period ends.')
param enablePurgeProtection bool

@description('Secret names, keyed by purpose.')
param secretNames {
  stripeSecretKey: string
  stripeWebhookSecret: string
  solanaTreasuryKeypair: string
  ledgerAnchorKeypair: string
  ledgerSealKey: string
}

@secure()
@description('Stripe secret or restricted API key (sk_... / rk_...). Empty: not written.')
param stripeSecretKey string

@secure()
@description('Stripe webhook endpoint signing secret (whsec_...). Empty: not written.')
param stripeWebhookSecret string

@secure()
@description('Solana treasury keypair (the format Billing.Solana reads). Empty: not written.')
param solanaTreasuryKeypair string

@secure()
@description('Ledger anchor authority keypair (the same format). Empty: not written.')
param ledgerAnchorKeypair string

@secure()
@description('Ledger seal key (base64 of at least 32 random bytes). Empty: not written.')
param ledgerSealKey string

@description('Tags applied to the resources.')
param tags object

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    // The service rejects an explicit false; leave the property out to keep it off.
    enablePurgeProtection: enablePurgeProtection ? true : null
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource stripeSecretKeySecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(stripeSecretKey)) {
  parent: vault
  name: secretNames.stripeSecretKey
  properties: {
    value: stripeSecretKey
    contentType: 'text/plain'
  }
}

resource stripeWebhookSecretSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(stripeWebhookSecret)) {
  parent: vault
  name: secretNames.stripeWebhookSecret
  properties: {
    value: stripeWebhookSecret
    contentType: 'text/plain'
  }
}

resource treasuryKeypairSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(solanaTreasuryKeypair)) {
  parent: vault
  name: secretNames.solanaTreasuryKeypair
  properties: {
    value: solanaTreasuryKeypair
    contentType: 'text/plain'
  }
}

resource anchorKeypairSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(ledgerAnchorKeypair)) {
  parent: vault
  name: secretNames.ledgerAnchorKeypair
  properties: {
    value: ledgerAnchorKeypair
    contentType: 'text/plain'
  }
}

resource sealKeySecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(ledgerSealKey)) {
  parent: vault
  name: secretNames.ledgerSealKey
  properties: {
    value: ledgerSealKey
    contentType: 'text/plain'
  }
}

@description('Vault name.')
output name string = vault.name

@description('Vault URI, e.g. https://<name>.vault.azure.net/.')
output uri string = vault.properties.vaultUri
