// OKR check-ins for Microsoft Teams: everything the bot runs on, in one resource group.
//
//   az deployment group create -g <group> -f infra/main.bicep -p registryName=<registry>
//
// Creates: a user-assigned managed identity (the bot's identity: Bot Framework tokens,
// image pulls and Cosmos DB data access, no secrets) with AcrPull on the registry that
// holds the image, a serverless Cosmos DB account with the database and container
// (partition key /tenantId) and a data-plane role assignment for the identity, a Log
// Analytics workspace, a Container Apps environment and the app (probes on /healthz and
// /readyz), and the Azure Bot with its Microsoft Teams channel. Order, as Microsoft's
// guide for image pulls with a managed identity has it: identity, AcrPull, then the app.
// See docs/deploy.md for the steps around it and what was verified.

targetScope = 'resourceGroup'

@description('Prefix of every resource name (letters and digits, 3 to 12, starting with a letter); used in lower case.')
@minLength(3)
@maxLength(12)
param name string = 'okrcheckins'

@description('Region for everything except the bot, which is global.')
param location string = resourceGroup().location

@description('The Azure Container Registry in this resource group that holds the image (az acr create, docs/deploy.md).')
param registryName string

@description('The image in that registry: repository and tag.')
param image string = 'okr-checkins:0.1.0'

@description('Microsoft Entra tenant ids (GUIDs) the bot serves, comma-separated, or * for every tenant that installs it. Default: this tenant only.')
param allowedTenants string = tenant().tenantId

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

@description('The Teams tab\'s own app registration (its client id), for its single sign-on (docs/deploy.md, section 6). Empty: no tab.')
param tabClientId string = ''

@description('With tabClientId: the host name the tab is served from, if not the app\'s own (a custom domain). Default: the container app\'s host name.')
param tabDomain string = ''

// Container app and Cosmos DB account names must be lower case.
var prefix = toLower(name)
var cosmosDatabase = 'okr'
var cosmosContainer = 'okr'
// Cosmos DB Built-in Data Contributor (data plane: read and write items, no account keys).
var cosmosDataContributor = '00000000-0000-0000-0000-000000000002'
// AcrPull (built-in role: pull images from a container registry).
var acrPull = '7f951dda-4ed3-4680-a7ca-43fe172d538d'
var suffix = uniqueString(resourceGroup().id, prefix)
// The app's own host name is its name under the environment's domain (external ingress),
// known before the app exists, so the app can be told it.
var tabHost = empty(tabClientId) ? '' : (empty(tabDomain) ? '${prefix}-app.${environment.properties.defaultDomain}' : toLower(tabDomain))
// Between SIGTERM and SIGKILL (the platform's default, stated): the app's shutdown fits in it.
var terminationGracePeriodSeconds = 30

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${prefix}-id'
  location: location
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

// The app pulls its image as the identity, so the identity needs AcrPull before the app exists.
resource identityPullsImages 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, identity.id, acrPull)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPull)
    principalId: identity.properties.principalId
    // A new identity may not have replicated yet; the type spares the lookup that then fails.
    principalType: 'ServicePrincipal'
  }
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: '${prefix}-${suffix}'
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
  name: '${prefix}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${prefix}-env'
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
  name: '${prefix}-app'
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
      registries: [
        {
          server: registry.properties.loginServer
          identity: identity.id
        }
      ]
    }
    template: {
      terminationGracePeriodSeconds: terminationGracePeriodSeconds
      containers: [
        {
          name: 'okr-checkins'
          image: '${registry.properties.loginServer}/${image}'
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
            // The Teams tab (docs/tab.md): on only with its app registration.
            { name: 'TAB_DOMAIN', value: tabHost }
            { name: 'TAB_CLIENT_ID', value: tabClientId }
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
    identityPullsImages
    cosmosRole
    container
  ]
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: '${prefix}-bot-${suffix}'
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

@description('The Cosmos DB endpoint, for operator commands run from outside the app (docs/deploy.md).')
output cosmosEndpoint string = cosmos.properties.documentEndpoint

@description('The Cosmos DB account, for data-plane role assignments.')
output cosmosAccount string = cosmos.name

@description('The container app, for az containerapp exec.')
output containerApp string = app.name
