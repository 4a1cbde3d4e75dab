// Log Analytics workspace + workspace-based Application Insights.

@description('Azure region.')
param location string

@description('Log Analytics workspace name.')
param workspaceName string

@description('Application Insights component name.')
param appInsightsName string

@description('Days Log Analytics keeps data.')
@minValue(30)
@maxValue(730)
param retentionInDays int

@description('When true, Application Insights accepts only Microsoft Entra-authenticated telemetry (the app identity gets Monitoring Metrics Publisher).')
param disableLocalAuth bool

@description('Lag of metering behind its hubs (seconds) from which the metering-lag alert fires.')
@minValue(300)
param meteringLagAlertSeconds int

@description('Email address alerts go to. Empty: no action group; the rules still fire and show in the portal.')
param alertEmail string

@description('Tags applied to the resources.')
param tags object

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      enableLogAccessUsingOnlyResourcePermissions: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: disableLocalAuth
  }
}

resource alertGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: '${appInsightsName}-alerts'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'billing'
    enabled: true
    emailReceivers: [
      {
        name: 'operator'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

// billing.metering.lag (the app's OpenTelemetry histogram: the age of each delivered batch's oldest event, by hub). A hub
// drops events at the end of its retention whether metered or not, so a stalled metering function must be noticed in
// hours. Each redelivery of a failing batch records its age again, so a batch that keeps failing keeps firing this rule.
// A function never invoked (host down, trigger stuck) records nothing, so this rule does not see that stall.
resource meteringLagAlert 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: '${appInsightsName}-metering-lag'
  location: location
  tags: tags
  properties: {
    displayName: 'Metering lags behind its hubs'
    description: 'A metering batch read events older than ${meteringLagAlertSeconds} s: metering is stalled or too slow. Events older than the hubs\' retention are lost unmetered (README, Troubleshooting: metering lags).'
    severity: 2
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT30M'
    criteria: {
      allOf: [
        {
          query: 'customMetrics | where name == "billing.metering.lag" | extend hub = tostring(customDimensions["hub"]) | project timestamp, hub, lagSeconds = valueMax'
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'lagSeconds'
          dimensions: [
            {
              name: 'hub'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          operator: 'GreaterThanOrEqual'
          threshold: meteringLagAlertSeconds
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: empty(alertEmail) ? [] : [
        alertGroup.id
      ]
    }
  }
}

@description('Application Insights component name.')
output appInsightsName string = appInsights.name
