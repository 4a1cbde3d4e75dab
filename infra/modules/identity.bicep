// The user-assigned managed identity the function app runs as. Every data-plane permission of the
// app (Event Hubs, Storage, Key Vault, Application Insights) is granted to this identity in rbac.bicep.

@description('Azure region.')
param location string

@description('Identity name.')
param name string

@description('Tags applied to the resource.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id of the identity.')
output id string = identity.id

@description('Name of the identity.')
output name string = identity.name

@description('Client (application) id: what DefaultAzureCredential and the Functions host use to pick this identity.')
output clientId string = identity.properties.clientId

@description('Object id of the service principal, for role assignments.')
output principalId string = identity.properties.principalId
