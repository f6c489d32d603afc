// Azure OpenAI with the two deployments the app calls by name: Whisper and GPT-4o.
// Key auth is off: the app uses its managed identity (DefaultAzureCredential token provider).
param location string
param tags object
param token string
param chatDeployment string
param chatModelVersion string
param chatCapacity int
param whisperDeployment string
param whisperCapacity int

resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai-${token}'
  location: location
  tags: tags
  kind: 'OpenAI'
  sku: { name: 'S0' }
  properties: {
    customSubDomainName: 'oai-${token}' // Entra ID auth needs a custom subdomain
    publicNetworkAccess: 'Enabled'
    disableLocalAuth: true
  }
}

resource whisper 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {
  parent: account
  name: whisperDeployment
  sku: { name: 'Standard', capacity: whisperCapacity }
  properties: {
    model: { format: 'OpenAI', name: 'whisper', version: '001' }
  }
}

// One deployment at a time per account: chain the second after the first.
resource chat 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {
  parent: account
  name: chatDeployment
  dependsOn: [whisper]
  sku: { name: 'GlobalStandard', capacity: chatCapacity }
  properties: {
    model: { format: 'OpenAI', name: 'gpt-4o', version: chatModelVersion }
    versionUpgradeOption: 'NoAutoUpgrade'
  }
}

output name string = account.name
output endpoint string = account.properties.endpoint
