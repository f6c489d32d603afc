// Durable Task Scheduler: a managed backend for the task hub (instead of Azure Storage queues and
// tables), for call volumes past what the Azure Storage provider sustains (docs/deploy.md).
// Identity-based access only: the app's managed identity gets Durable Task Data Contributor on
// the scheduler (infra/modules/roles.bicep).
param location string
param tags object
param token string
param taskHubName string
@allowed(['Consumption', 'Dedicated'])
param skuName string = 'Consumption'
@description('Capacity units (Dedicated only): each serves up to 2,000 actions per second.')
param capacity int = 1

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' = {
  name: 'dts-${token}'
  location: location
  tags: tags
  properties: {
    // An empty allowlist denies everything; access is still gated by Entra ID and RBAC.
    ipAllowlist: ['0.0.0.0/0']
    sku: skuName == 'Dedicated' ? { name: skuName, capacity: capacity } : { name: skuName }
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2025-11-01' = {
  parent: scheduler
  name: taskHubName
}

output name string = scheduler.name
output endpoint string = scheduler.properties.endpoint
output taskHubName string = taskHub.name
