// call insights on Azure: everything `azd up` provisions, in one resource group.
//
// Function App (Flex Consumption, Python 3.11, system-assigned identity) + storage (recordings,
// chunks, transcripts, durable task hub, deployment package) + Azure OpenAI (Whisper, GPT-4o) +
// Cosmos DB (serverless, container partitioned by /call_date) + Application Insights.
// The app reaches storage, Azure OpenAI and Cosmos DB with its managed identity: no keys
// anywhere (shared-key access is off on the storage account). The task hub lives in that
// storage account, or on a Durable Task Scheduler (`taskHubBackend`).
targetScope = 'subscription'

@minLength(1)
@maxLength(40)
@description('azd environment name; names and tags every resource.')
param environmentName string

@minLength(1)
@description('Region of the Function App, storage and Cosmos DB (one that offers Flex Consumption).')
param location string

@description('Region of Azure OpenAI: one with both Whisper and GPT-4o (e.g. swedencentral, northcentralus).')
param openAiLocation string = 'swedencentral'

@description('Object id of the principal running azd: gets data access to storage, OpenAI and Cosmos DB for local runs against Azure.')
param principalId string = ''

@description('What `principalId` is: a person (User) or a CI identity (ServicePrincipal).')
@allowed(['User', 'ServicePrincipal'])
param principalType string = 'User'

@description('Where the durable task hub lives: the storage account (AzureStorage), or a Durable Task Scheduler for higher call volumes (docs/deploy.md).')
@allowed(['AzureStorage', 'DurableTaskScheduler'])
param taskHubBackend string = 'AzureStorage'

@description('Durable Task Scheduler SKU (only with taskHubBackend DurableTaskScheduler).')
@allowed(['Consumption', 'Dedicated'])
param schedulerSku string = 'Consumption'

@description('Who may read call data: function keys, or App Service Authentication (Entra ID; configure it as docs/deploy.md says).')
@allowed(['functionkey', 'easyauth'])
param authMode string = 'functionkey'
param authRequiredRole string = ''

@description('Days after which the durable history of a stored call is purged (0: never).')
param historyRetentionDays int = 30

@description('GPT-4o model version and capacity (thousands of tokens per minute).')
param chatModelVersion string = '2024-11-20'
param chatCapacity int = 30

@description('Whisper capacity (requests per minute; Azure default quota is 3).')
param whisperCapacity int = 3

@description('Pipeline policy, passed to the app settings of the same names.')
param maxParallelTranscriptions int = 3
param confidenceThreshold string = '0.8'
param approvalDeadlineSeconds string = '259200'
param chunkSeconds string = '600'

@description('Stereo calls: the channel the agent is recorded on, or auto (decided per call from the opening; docs/speakers.md).')
@allowed(['auto', 'left', 'right'])
param agentChannel string = 'auto'

var token = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var chatDeployment = 'gpt-4o'
var whisperDeployment = 'whisper'
var taskHubName = 'CallInsightsHub' // host.json hubName
var useScheduler = taskHubBackend == 'DurableTaskScheduler'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  scope: rg
  name: 'monitoring'
  params: { location: location, tags: tags, token: token }
}

module storage 'modules/storage.bicep' = {
  scope: rg
  name: 'storage'
  params: { location: location, tags: tags, token: token }
}

module openai 'modules/openai.bicep' = {
  scope: rg
  name: 'openai'
  params: {
    location: openAiLocation
    tags: tags
    token: token
    chatDeployment: chatDeployment
    chatModelVersion: chatModelVersion
    chatCapacity: chatCapacity
    whisperDeployment: whisperDeployment
    whisperCapacity: whisperCapacity
  }
}

module cosmos 'modules/cosmos.bicep' = {
  scope: rg
  name: 'cosmos'
  params: { location: location, tags: tags, token: token }
}

module scheduler 'modules/dts.bicep' = if (useScheduler) {
  scope: rg
  name: 'durable-task-scheduler'
  params: { location: location, tags: tags, token: token, taskHubName: taskHubName, skuName: schedulerSku }
}

// host.json names the Azure Storage provider; these app settings override it (the documented
// `AzureFunctionsJobHost__` override) so one code package serves both backends.
var schedulerSettings = useScheduler ? {
  DURABLE_TASK_SCHEDULER_CONNECTION_STRING: 'Endpoint=${scheduler.outputs.endpoint};Authentication=ManagedIdentity'
  AzureFunctionsJobHost__extensions__durableTask__hubName: taskHubName
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: 'azureManaged'
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'
  // The Durable Task Scheduler samples for Python load the provider from the preview bundle.
  AzureFunctionsJobHost__extensionBundle__id: 'Microsoft.Azure.Functions.ExtensionBundle.Preview'
} : {}

module app 'modules/functionapp.bicep' = {
  scope: rg
  name: 'functionapp'
  params: {
    location: location
    tags: tags
    token: token
    storageAccountName: storage.outputs.name
    deploymentContainer: storage.outputs.deploymentContainer
    appInsightsConnectionString: monitoring.outputs.connectionString
    taskHubSettings: schedulerSettings
    settings: {
      CALLS_CONTAINER: storage.outputs.callsContainer
      CHUNKS_CONTAINER: storage.outputs.chunksContainer
      TRANSCRIPTS_CONTAINER: storage.outputs.transcriptsContainer
      AUDIT_CONTAINER: storage.outputs.auditContainer
      AZURE_OPENAI_ENDPOINT: openai.outputs.endpoint
      AZURE_OPENAI_API_VERSION: '2024-10-21'
      TRANSCRIPTION_MODEL: whisperDeployment
      CHAT_MODEL: chatDeployment
      MODEL_TIMEOUT_SECONDS: '600'
      CALL_LANGUAGE: 'en'
      COSMOS_ENDPOINT: cosmos.outputs.endpoint
      COSMOS_DATABASE: cosmos.outputs.database
      COSMOS_CONTAINER: cosmos.outputs.container
      COSMOS_PARTITION_KEY: cosmos.outputs.partitionKey
      CHUNK_SECONDS: chunkSeconds
      CHUNK_OVERLAP_SECONDS: '1.0'
      AGENT_CHANNEL: agentChannel
      MAX_PARALLEL_TRANSCRIPTIONS: string(maxParallelTranscriptions)
      TRANSCRIPTION_MAX_ATTEMPTS: '6'
      TRANSCRIPTION_FIRST_RETRY_SECONDS: '5.0'
      CONFIDENCE_THRESHOLD: confidenceThreshold
      APPROVAL_DEADLINE_SECONDS: approvalDeadlineSeconds
      HISTORY_RETENTION_DAYS: string(historyRetentionDays)
      REDACT_PII: 'true'
      AUTH_MODE: authMode
      AUTH_REQUIRED_ROLE: authRequiredRole
    }
  }
}

// The app's identity: the data-plane roles it needs, and nothing at the control plane.
module appRoles 'modules/roles.bicep' = {
  scope: rg
  name: 'app-roles'
  params: {
    principalId: app.outputs.principalId
    principalType: 'ServicePrincipal'
    storageAccountName: storage.outputs.name
    openAiName: openai.outputs.name
    cosmosName: cosmos.outputs.name
    schedulerName: useScheduler ? scheduler.outputs.name : ''
  }
}

// The principal running azd (a developer, or CI's service principal): the same data access, to
// run the app locally against Azure and to read the scheduler's dashboard.
module userRoles 'modules/roles.bicep' = if (!empty(principalId)) {
  scope: rg
  name: 'user-roles'
  params: {
    principalId: principalId
    principalType: principalType
    storageAccountName: storage.outputs.name
    openAiName: openai.outputs.name
    cosmosName: cosmos.outputs.name
    schedulerName: useScheduler ? scheduler.outputs.name : ''
  }
}

// azd writes these into its environment; the postdeploy hook reads them.
output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = app.outputs.name
output AZURE_FUNCTION_APP_URL string = app.outputs.url
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_ACCOUNT_ID string = storage.outputs.id
output AZURE_CALLS_CONTAINER string = storage.outputs.callsContainer
output AZURE_OPENAI_ENDPOINT string = openai.outputs.endpoint
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output TASK_HUB_BACKEND string = taskHubBackend
