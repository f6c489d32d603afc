// Data-plane access for one principal (the Function App's identity, or the developer):
// Storage Blob Data Owner (recordings, chunks, transcripts, the deployment package), Storage
// Queue/Table Data Contributor (the durable task hub, should AzureWebJobsStorage move to an
// identity-based connection), Cognitive Services OpenAI User, Cosmos DB Built-in Data Contributor,
// and Durable Task Data Contributor on the Durable Task Scheduler when the task hub lives there.
param principalId string
@allowed(['ServicePrincipal', 'User'])
param principalType string
param storageAccountName string
param openAiName string
param cosmosName string
@description('Durable Task Scheduler name; empty when the task hub is on Azure Storage.')
param schedulerName string = ''

var storageRoles = {
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  queueDataContributor: '974c5e8b-45b0-4153-ba55-5b16d5c8a8a4'
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}
var openAiUser = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'
var cosmosDataContributor = '00000000-0000-0000-0000-000000000002'
var durableTaskDataContributor = '0ad04412-c4d5-4796-b79c-f76d14c8d402'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource openai 'Microsoft.CognitiveServices/accounts@2024-10-01' existing = {
  name: openAiName
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' existing = {
  name: cosmosName
}

resource storageAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in items(storageRoles): {
    scope: storage
    name: guid(storage.id, principalId, role.value)
    properties: {
      principalId: principalId
      principalType: principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
    }
  }
]

resource openAiAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: openai
  name: guid(openai.id, principalId, openAiUser)
  properties: {
    principalId: principalId
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', openAiUser)
  }
}

// Cosmos DB data-plane RBAC is its own resource type, not Microsoft.Authorization.
resource cosmosAssignment 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: cosmos
  name: guid(cosmos.id, principalId, cosmosDataContributor)
  properties: {
    principalId: principalId
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributor}'
    scope: cosmos.id
  }
}

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' existing = if (!empty(schedulerName)) {
  name: schedulerName
}

resource schedulerAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(schedulerName)) {
  scope: scheduler
  name: guid(resourceId('Microsoft.DurableTask/schedulers', schedulerName), principalId, durableTaskDataContributor)
  properties: {
    principalId: principalId
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', durableTaskDataContributor)
  }
}
