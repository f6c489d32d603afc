// Cosmos DB for NoSQL (serverless): database `callinsights`, container `calls`, one item per
// call (id = call id), partitioned by the call's date. Key auth is off: managed identity only.
param location string
param tags object
param token string
param databaseName string = 'callinsights'
param containerName string = 'calls'
param partitionKey string = '/call_date'

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'cosmos-${token}'
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [{ locationName: location, failoverPriority: 0, isZoneRedundant: false }]
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    capabilities: [{ name: 'EnableServerless' }]
    disableLocalAuth: true
    minimalTlsVersion: 'Tls12'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-05-15' = {
  parent: account
  name: databaseName
  properties: { resource: { id: databaseName } }
}

resource container 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: database
  name: containerName
  properties: {
    resource: {
      id: containerName
      partitionKey: { paths: [partitionKey], kind: 'Hash', version: 2 }
      indexingPolicy: {
        indexingMode: 'consistent'
        // the paths queries filter on; callinsights/repository/cosmos.py INDEXED_PATHS is the same list
        includedPaths: [{ path: '/status/?' }, { path: '/call_date/?' }, { path: '/id/?' }, { path: '/review/outcome/?' }, { path: '/search/customer/?' }, { path: '/search/city/?' }, { path: '/search/products/[]/?' }, { path: '/search/flagged/?' }]
        excludedPaths: [{ path: '/*' }]
        // GET /api/calls pages records by call_date, then id, both descending (repository/cosmos.py)
        compositeIndexes: [
          [{ path: '/call_date', order: 'descending' }, { path: '/id', order: 'descending' }]
        ]
      }
    }
  }
}

output name string = account.name
output endpoint string = account.properties.documentEndpoint
output database string = databaseName
output container string = containerName
output partitionKey string = partitionKey
