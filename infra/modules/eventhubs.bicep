// Event Hubs namespace (Standard) with the hubs the app triggers on and publishes to, a consumer
// group per hub for the app, and optional send-only SAS policies for partners that publish directly.

import { hubName, partnerSender } from 'types.bicep'

@description('Azure region.')
param location string

@description('Namespace name (6-50 characters, globally unique).')
@minLength(6)
@maxLength(50)
param name string

@description('Hubs to create.')
param hubNames hubName[]

@description('Partitions per hub (fixed after creation on the Standard tier). One partition = one concurrent reader.')
@minValue(1)
@maxValue(32)
param partitionCount int

@description('Days events are retained (Standard tier: at most 7).')
@minValue(1)
@maxValue(7)
param messageRetentionDays int

@description('Throughput units.')
@minValue(1)
@maxValue(40)
param capacity int

@description('Upper bound for auto-inflate; 0 disables auto-inflate.')
@minValue(0)
@maxValue(40)
param maximumThroughputUnits int

@description('Consumer group the billing app reads with (the app setting EventHubConsumerGroup).')
@minLength(1)
@maxLength(50)
param consumerGroupName string

@description('Partners that get a send-only SAS policy on one hub. Empty keeps SAS (local auth) disabled on the namespace.')
param partnerSenders partnerSender[]

@description('Tags applied to the resources.')
param tags object

var sasEnabled = !empty(partnerSenders)

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
    capacity: capacity
  }
  properties: {
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    // The app uses Microsoft Entra ID; shared access keys exist only for partners who were given a SAS policy.
    disableLocalAuth: !sasEnabled
    isAutoInflateEnabled: maximumThroughputUnits > 0
    maximumThroughputUnits: maximumThroughputUnits
  }
}

resource hubs 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = [
  for hub in hubNames: {
    parent: namespace
    name: hub
    properties: {
      partitionCount: partitionCount
      retentionDescription: {
        cleanupPolicy: 'Delete'
        retentionTimeInHours: messageRetentionDays * 24
      }
    }
  }
]

resource consumerGroups 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = [
  for (hub, i) in hubNames: {
    parent: hubs[i]
    name: consumerGroupName
    properties: {
      userMetadata: 'Billing function app (eventHubTrigger).'
    }
  }
]

// Send-only: a partner holding this key can publish to its hub and nothing else (no listen, no manage).
resource partnerPolicies 'Microsoft.EventHub/namespaces/eventhubs/authorizationRules@2024-01-01' = [
  for sender in partnerSenders: {
    parent: hubs[indexOf(hubNames, sender.hub)]
    name: 'send-${sender.partnerId}'
    properties: {
      rights: [
        'Send'
      ]
    }
  }
]

@description('Namespace name.')
output name string = namespace.name

@description('Fully qualified namespace host, e.g. <name>.servicebus.windows.net (EventHubConnection__fullyQualifiedNamespace).')
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]

@description('Names of the partner SAS policies created (keys are read with az eventhubs eventhub authorization-rule keys list).')
output partnerPolicyNames string[] = [for (sender, i) in partnerSenders: '${sender.hub}/${partnerPolicies[i].name}']
