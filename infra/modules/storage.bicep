// The storage account: recordings (`calls`, the blob trigger's container), `chunks`,
// `transcripts`, `audit` (deletions, no customer data), the durable task hub (queues and tables, made by the runtime), and the
// container Flex Consumption deploys the app package from.
param location string
param tags object
param token string

var containers = {
  calls: 'calls'
  chunks: 'chunks'
  transcripts: 'transcripts'
  audit: 'audit'
  deployment: 'app-package'
}

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'st${take(token, 22)}'
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // No keys at all: the runtime, the durable task hub and the app's blob code reach the
    // account with the app's managed identity (AzureWebJobsStorage__accountName).
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    accessTier: 'Hot'
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: { enabled: true, days: 7 } // recordings are never lost by mistake
  }
}

resource created 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for item in items(containers): {
    parent: blobs
    name: item.value
    properties: { publicAccess: 'None' }
  }
]

output name string = account.name
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
output callsContainer string = containers.calls
output chunksContainer string = containers.chunks
output transcriptsContainer string = containers.transcripts
output auditContainer string = containers.audit
output deploymentContainer string = containers.deployment
