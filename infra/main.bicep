// OKR check-ins for Microsoft Teams: everything the bot runs on, in one resource group.
//
//   az deployment group create -g <group> -f infra/main.bicep -p infra/main.parameters.example.json
//
// Creates: a user-assigned managed identity (the bot's identity: Bot Framework tokens and
// Cosmos DB data access, no secrets), a serverless Cosmos DB account with the database and
// container (partition key /tenantId) and a data-plane role assignment for the identity,
// a Log Analytics workspace, a Container Apps environment and the app (probes on /healthz
// and /readyz), and the Azure Bot with its Microsoft Teams channel.
// See docs/deploy.md for the steps around it and what was verified.

targetScope = 'resourceGroup'

@description('Prefix of every resource name (lower-case letters and digits, 3 to 12).')
@minLength(3)
@maxLength(12)
param name string = 'okrcheckins'

@description('Region for everything except the bot, which is global.')
param location string = resourceGroup().location

@description('The container image to run, e.g. myregistry.azurecr.io/okr-checkins:1.0.0.')
param image string

@description('Registry server of the image when it is private (e.g. myregistry.azurecr.io); empty for a public image.')
param registryServer string = ''

@description('Microsoft Entra tenant ids (GUIDs) the bot serves, comma-separated; empty serves every tenant that installs it.')
param allowedTenants string = ''

@description('Azure Bot pricing tier: F0 (free, standard channels such as Teams are free anyway) or S1.')
@allowed(['F0', 'S1'])
param botSku string = 'F0'

@description('Log level of the app.')
@allowed(['DEBUG', 'INFO', 'WARNING', 'ERROR'])
param logLevel string = 'INFO'

@description('Most replicas; at least one always runs because check-ins are scheduled inside the app.')
@minValue(1)
@maxValue(10)
param maxReplicas int = 2

var cosmosDatabase = 'okr'
var cosmosContainer = 'okr'
// Cosmos DB Built-in Data Contributor (data plane: read and write items, no account keys).
var cosmosDataContributor = '00000000-0000-0000-0000-000000000002'
var suffix = uniqueString(resourceGroup().id, name)
// A private registry is reached with the app's identity (give it AcrPull on the registry).
var registries = empty(registryServer) ? [] : [
  {
    server: registryServer
    identity: identity.id
  }
]

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-id'
  location: location
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: '${name}-${suffix}'
  location: location
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    // Keys are off: only Microsoft Entra identities with a data-plane role get in.
    disableLocalAuth: true
    minimalTlsVersion: 'Tls12'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: cosmos
  name: cosmosDatabase
  properties: {
    resource: {
      id: cosmosDatabase
    }
  }
}

resource container 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: cosmosContainer
  properties: {
    resource: {
      id: cosmosContainer
      partitionKey: {
        paths: ['/tenantId']
        kind: 'Hash'
        version: 2
      }
    }
  }
}

resource cosmosRole 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: cosmos
  name: guid(cosmos.id, identity.id, cosmosDataContributor)
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributor}'
    principalId: identity.properties.principalId
    scope: cosmos.id
  }
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${name}-env'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: '${name}-app'
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    managedEnvironmentId: environment.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: 3978
        transport: 'auto'
        allowInsecure: false
      }
      registries: registries
    }
    template: {
      containers: [
        {
          name: 'okr-checkins'
          image: image
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          env: [
            { name: 'HOST', value: '0.0.0.0' }
            { name: 'PORT', value: '3978' }
            { name: 'STORAGE', value: 'cosmos' }
            { name: 'COSMOS_ENDPOINT', value: cosmos.properties.documentEndpoint }
            { name: 'COSMOS_DATABASE', value: cosmosDatabase }
            { name: 'COSMOS_CONTAINER', value: cosmosContainer }
            { name: 'CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID', value: identity.properties.clientId }
            { name: 'CONNECTIONS__SERVICE_CONNECTION__SETTINGS__AUTHTYPE', value: 'UserManagedIdentity' }
            { name: 'CONNECTIONS__SERVICE_CONNECTION__SETTINGS__TENANTID', value: tenant().tenantId }
            // Read by azure-identity (DefaultAzureCredential), not by the app: which
            // user-assigned identity signs in to Cosmos DB.
            { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
            { name: 'ALLOWED_TENANTS', value: allowedTenants }
            { name: 'LOG_FORMAT', value: 'json' }
            { name: 'LOG_LEVEL', value: logLevel }
          ]
          probes: [
            {
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: 3978
              }
              initialDelaySeconds: 10
              periodSeconds: 30
            }
            {
              type: 'Readiness'
              httpGet: {
                path: '/readyz'
                port: 3978
              }
              periodSeconds: 15
            }
          ]
        }
      ]
      scale: {
        minReplicas: 1
        maxReplicas: maxReplicas
      }
    }
  }
  dependsOn: [
    cosmosRole
    container
  ]
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: '${name}-bot-${suffix}'
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: botSku
  }
  properties: {
    displayName: 'OKR check-ins'
    endpoint: 'https://${app.properties.configuration.ingress.fqdn}/api/messages'
    msaAppType: 'UserAssignedMSI'
    msaAppId: identity.properties.clientId
    msaAppMSIResourceId: identity.id
    msaAppTenantId: tenant().tenantId
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

@description('The bot app id: build the Teams package with it (python app.py package).')
output botAppId string = identity.properties.clientId

@description('Where Teams sends activities.')
output messagingEndpoint string = bot.properties.endpoint

@description('The app host name, for the package\'s validDomains if wanted.')
output appHostName string = app.properties.configuration.ingress.fqdn

output cosmosEndpoint string = cosmos.properties.documentEndpoint
