// Least-privilege data-plane role assignments for the app's user-assigned identity, each at the
// narrowest scope that still works. Built-in role definition ids (stable across all clouds/tenants):
// https://learn.microsoft.com/azure/role-based-access-control/built-in-roles

import { hubName } from 'types.bicep'

@description('Name of the app\'s user-assigned managed identity.')
param identityName string

@description('Event Hubs namespace name.')
param eventHubNamespaceName string

@description('Hubs the app receives from (triggers) and sends to (the usage publisher).')
param hubNames hubName[]

@description('Storage account name.')
param storageAccountName string

@description('Key Vault name.')
param keyVaultName string

@description('Application Insights component name.')
param appInsightsName string

@description('Optional: object id of an operator (user or group) who may set the Key Vault secrets. Empty: none.')
param vaultOperatorPrincipalId string

@description('Principal type of vaultOperatorPrincipalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param vaultOperatorPrincipalType string

var roles = {
  // Azure Event Hubs Data Receiver: receive (and read hub/partition properties) on the hubs in scope.
  eventHubsDataReceiver: 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde'
  // Azure Event Hubs Data Sender: send to the hubs in scope (the app's own EventHubProducerClient, which
  // publishes with a partition key; it needs no namespace-wide right).
  eventHubsDataSender: '2b629674-e913-4c01-ae53-ef4638d8f975'
  // Storage Table Data Contributor: the billing tables, and the host's diagnostic-events table.
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  // Storage Blob Data Owner: what the Functions docs require for AzureWebJobsStorage (the host creates its
  // own containers: azure-webjobs-hosts, azure-webjobs-secrets, azure-webjobs-eventhub checkpoints) and
  // for the Flex Consumption deployment container.
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  // Key Vault Secrets User: read secret values (Key Vault references); cannot list or change them.
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  // Key Vault Secrets Officer: manage secrets (for the optional operator only, never the app).
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  // Monitoring Metrics Publisher: Microsoft Entra-authenticated telemetry ingestion into Application Insights.
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: identityName
}

var principalId = identity.properties.principalId

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' existing = {
  name: eventHubNamespaceName
}

resource hubs 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' existing = [
  for hub in hubNames: {
    parent: namespace
    name: hub
  }
]

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' existing = {
  parent: storage
  name: 'default'
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2024-01-01' existing = {
  parent: storage
  name: 'default'
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

// Per hub, not the namespace: the identity can touch only the app's hubs.
resource hubReceivers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (hub, i) in hubNames: {
    name: guid(hubs[i].id, identity.id, roles.eventHubsDataReceiver)
    scope: hubs[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.eventHubsDataReceiver)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource hubSenders 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (hub, i) in hubNames: {
    name: guid(hubs[i].id, identity.id, roles.eventHubsDataSender)
    scope: hubs[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.eventHubsDataSender)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Table service scope (not the account): no blob, queue or file rights come with it.
resource tableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(tableService.id, identity.id, roles.storageTableDataContributor)
  scope: tableService
  properties: {
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      roles.storageTableDataContributor
    )
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Blob service scope: the host must be able to create its containers, so a per-container scope is not enough.
resource blobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(blobService.id, identity.id, roles.storageBlobDataOwner)
  scope: blobService
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identity.id, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      roles.monitoringMetricsPublisher
    )
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource secretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(vaultOperatorPrincipalId)) {
  name: guid(vault.id, vaultOperatorPrincipalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
    principalId: vaultOperatorPrincipalId
    principalType: vaultOperatorPrincipalType
  }
}
