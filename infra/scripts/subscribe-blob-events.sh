#!/usr/bin/env sh
# azd postdeploy hook: route BlobCreated events of the `calls` container to the app's blob
# trigger. Flex Consumption runs blob triggers from Event Grid only, and the webhook needs the
# app's `blobs_extension` system key, which the host creates only once it has started with the
# deployed code. On a cold Flex host that takes a while, so the key (and the subscription, whose
# creation Event Grid validates by calling the webhook) are retried for a bounded time.
set -eu
: "${AZURE_RESOURCE_GROUP:?run through azd (azd up / azd deploy)}"
: "${AZURE_FUNCTION_APP_NAME:?}"
: "${AZURE_STORAGE_ACCOUNT_ID:?}"
container="${AZURE_CALLS_CONTAINER:-calls}"
function_name="${BLOB_TRIGGER_FUNCTION:-start_process_call}"
wait_seconds="${BLOB_KEY_WAIT_SECONDS:-600}"    # give up after this long (default 10 minutes)
retry_seconds="${BLOB_KEY_RETRY_SECONDS:-15}"   # between attempts

waited=0
# attempt: true when another try fits in the budget (and sleeps before it), false when spent.
attempt() {
  if [ "$waited" -ge "$wait_seconds" ]; then
    return 1
  fi
  sleep "$retry_seconds"
  waited=$((waited + (retry_seconds > 0 ? retry_seconds : 1)))
}

# Event Grid system topics need the resource provider registered once per subscription.
state=$(az provider show --namespace Microsoft.EventGrid --query registrationState -o tsv)
if [ "$state" != "Registered" ]; then
  echo "registering the Microsoft.EventGrid resource provider (once per subscription)" >&2
  az provider register --namespace Microsoft.EventGrid --wait
fi

host=$(az functionapp show -g "$AZURE_RESOURCE_GROUP" -n "$AZURE_FUNCTION_APP_NAME" \
       --query defaultHostName -o tsv)
key=""
while :; do
  # A request wakes a cold host; the blob extension then creates its system key.
  curl -s -o /dev/null --max-time 30 "https://${host}/" || true
  key=$(az functionapp keys list -g "$AZURE_RESOURCE_GROUP" -n "$AZURE_FUNCTION_APP_NAME" \
        --query systemKeys.blobs_extension -o tsv 2>/dev/null || true)
  if [ -n "$key" ]; then
    break
  fi
  echo "no blobs_extension key yet (host starting?); waited ${waited}s of ${wait_seconds}s" >&2
  if ! attempt; then
    echo "no blobs_extension key after ${wait_seconds}s: is the blob trigger deployed with" \
         "source=EventGrid, and did the host start (Application Insights traces)?" >&2
    exit 1
  fi
done

endpoint="https://${host}/runtime/webhooks/blobs?functionName=Host.Functions.${function_name}&code=${key}"
while ! az eventgrid event-subscription create \
    --name "calls-blob-created" \
    --source-resource-id "$AZURE_STORAGE_ACCOUNT_ID" \
    --endpoint "$endpoint" \
    --endpoint-type webhook \
    --included-event-types Microsoft.Storage.BlobCreated \
    --subject-begins-with "/blobServices/default/containers/${container}/" \
    --output none; do
  echo "Event Grid could not validate the webhook yet; waited ${waited}s of ${wait_seconds}s" >&2
  if ! attempt; then
    echo "the event subscription was not created within ${wait_seconds}s" >&2
    exit 1
  fi
done
echo "Event Grid: BlobCreated in ${container}/ -> ${function_name}" >&2
