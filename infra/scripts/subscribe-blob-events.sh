#!/usr/bin/env sh
# azd postdeploy hook: route BlobCreated events of the `calls` container to the app's blob
# trigger. Flex Consumption runs blob triggers from Event Grid only, and the webhook needs the
# app's `blobs_extension` system key, which exists only once the code is deployed.
set -eu
: "${AZURE_RESOURCE_GROUP:?run through azd (azd up / azd deploy)}"
: "${AZURE_FUNCTION_APP_NAME:?}"
: "${AZURE_STORAGE_ACCOUNT_ID:?}"
container="${AZURE_CALLS_CONTAINER:-calls}"
function_name="${BLOB_TRIGGER_FUNCTION:-start_process_call}"

key=$(az functionapp keys list -g "$AZURE_RESOURCE_GROUP" -n "$AZURE_FUNCTION_APP_NAME" \
      --query systemKeys.blobs_extension -o tsv)
if [ -z "$key" ]; then
  echo "no blobs_extension key yet: is the blob trigger deployed with source=EventGrid?" >&2
  exit 1
fi
host=$(az functionapp show -g "$AZURE_RESOURCE_GROUP" -n "$AZURE_FUNCTION_APP_NAME" \
       --query defaultHostName -o tsv)
endpoint="https://${host}/runtime/webhooks/blobs?functionName=Host.Functions.${function_name}&code=${key}"

az eventgrid event-subscription create \
  --name "calls-blob-created" \
  --source-resource-id "$AZURE_STORAGE_ACCOUNT_ID" \
  --endpoint "$endpoint" \
  --endpoint-type webhook \
  --included-event-types Microsoft.Storage.BlobCreated \
  --subject-begins-with "/blobServices/default/containers/${container}/" \
  --output none
echo "Event Grid: BlobCreated in ${container}/ -> ${function_name}" >&2
