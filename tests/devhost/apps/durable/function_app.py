"""Test app for the dev host: one orchestration per action type, HTTP routes and a blob trigger.

Activities that leave side effects append a line to the file named in their input, so tests can
count executions across restarts of the host.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from datetime import timedelta
from pathlib import Path

import azure.durable_functions as df
import azure.functions as func

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)


# -- activities ---------------------------------------------------------------------------------

@app.activity_trigger(input_name="name")
def hello(name: str) -> str:
    return f"Hello {name}"


@app.activity_trigger(input_name="payload")
def noop(payload: object) -> object:
    return payload


@app.activity_trigger(input_name="payload")
async def async_double(payload: int) -> int:
    return payload * 2


@app.activity_trigger(input_name="payload")
def record(payload: dict) -> int:
    """Append the item to a side-effect file (slowly, so a test can kill the host mid-way)."""
    time.sleep(payload.get("sleep", 0))
    with open(payload["file"], "a", encoding="utf-8") as out:
        out.write(f"{payload['index']}\n")
    return payload["index"]


@app.activity_trigger(input_name="payload")
def flaky(payload: dict) -> str:
    """Fails until it has been called `fail_times` times (counted in a file)."""
    counter = Path(payload["file"])
    calls = int(counter.read_text()) + 1 if counter.exists() else 1
    counter.write_text(str(calls))
    if calls <= payload["fail_times"]:
        raise RuntimeError(f"flaky failure {calls}")
    return f"ok after {calls}"


@app.activity_trigger(input_name="payload")
def explode(payload: object) -> None:
    raise ValueError("activity exploded")


@app.activity_trigger(input_name="instance_id")
@app.durable_client_input(client_name="client")
async def status_of(instance_id: str, client: df.DurableOrchestrationClient) -> str:
    """An activity that is also a durable client (asks the host about an instance)."""
    status = await client.get_status(instance_id)
    return status.runtime_status.value


# -- orchestrators ------------------------------------------------------------------------------

@app.orchestration_trigger(context_name="context")
def chain(context: df.DurableOrchestrationContext):
    names = context.get_input() or ["Tokyo", "Seattle", "London"]
    results = []
    for name in names:
        results.append((yield context.call_activity("hello", name)))
    return results


@app.orchestration_trigger(context_name="context")
def fan_out(context: df.DurableOrchestrationContext):
    count = context.get_input()
    tasks = [context.call_activity("async_double", i) for i in range(count)]
    values = yield context.task_all(tasks)
    return sum(values)


@app.orchestration_trigger(context_name="context")
def side_effects(context: df.DurableOrchestrationContext):
    spec = context.get_input()
    tasks = [context.call_activity("record", {"file": spec["file"], "index": i,
                                              "sleep": spec.get("sleep", 0)})
             for i in range(spec["count"])]
    values = yield context.task_all(tasks)
    return len(values)


@app.orchestration_trigger(context_name="context")
def timer(context: df.DurableOrchestrationContext):
    seconds = context.get_input()
    yield context.create_timer(context.current_utc_datetime + timedelta(seconds=seconds))
    return "fired"


@app.orchestration_trigger(context_name="context")
def approval(context: df.DurableOrchestrationContext):
    seconds = context.get_input()
    deadline = context.current_utc_datetime + timedelta(seconds=seconds)
    timeout = context.create_timer(deadline)
    event = context.wait_for_external_event("Approval")
    context.set_custom_status({"stage": "waiting"})
    winner = yield context.task_any([event, timeout])
    if winner == event:
        timeout.cancel()
        context.set_custom_status({"stage": "approved"})
        return {"approved": event.result}
    context.set_custom_status({"stage": "timed_out"})
    return "timeout"


@app.orchestration_trigger(context_name="context")
def retrying(context: df.DurableOrchestrationContext):
    spec = context.get_input()
    options = df.RetryOptions(first_retry_interval_in_milliseconds=spec.get("interval_ms", 100),
                              max_number_of_attempts=spec["attempts"])
    return (yield context.call_activity_with_retry("flaky", options, spec))


@app.orchestration_trigger(context_name="context")
def parallel_retries(context: df.DurableOrchestrationContext):
    """Several retry loops in flight at once, collected with task_any then task_all."""
    specs = context.get_input()
    options = df.RetryOptions(first_retry_interval_in_milliseconds=50, max_number_of_attempts=4)
    pending = [context.call_activity_with_retry("flaky", options, spec) for spec in specs]
    first = yield context.task_any(pending)
    rest = yield context.task_all(pending)
    return {"first": first.result, "all": rest}


@app.orchestration_trigger(context_name="context")
def parent_with_retry(context: df.DurableOrchestrationContext):
    options = df.RetryOptions(first_retry_interval_in_milliseconds=50, max_number_of_attempts=3)
    return (yield context.call_sub_orchestrator_with_retry("fragile", options,
                                                           context.get_input()))


@app.orchestration_trigger(context_name="context")
def parent(context: df.DurableOrchestrationContext):
    names = context.get_input()
    child = yield context.call_sub_orchestrator("chain", names)
    failed = None
    try:
        yield context.call_sub_orchestrator("broken", None)
    except Exception as error:
        failed = str(error)
    return {"child": child, "failed": failed}


@app.orchestration_trigger(context_name="context")
def counter(context: df.DurableOrchestrationContext):
    value = context.get_input()
    if value < 3:
        yield context.call_activity("noop", value)
        context.continue_as_new(value + 1)
        return None
    return value


@app.orchestration_trigger(context_name="context")
def staged(context: df.DurableOrchestrationContext):
    context.set_custom_status({"stage": "one"})
    yield context.call_activity("noop", 1)
    context.set_custom_status({"stage": "two", "n": 2})
    yield context.call_activity("noop", 2)
    return "done"


@app.orchestration_trigger(context_name="context")
def catches(context: df.DurableOrchestrationContext):
    try:
        yield context.call_activity("explode", None)
    except Exception as error:
        return {"caught": str(error)}
    return "not raised"


@app.orchestration_trigger(context_name="context")
def broken(context: df.DurableOrchestrationContext):
    yield context.call_activity("noop", 1)
    raise RuntimeError("orchestrator broke")


@app.orchestration_trigger(context_name="context")
def fragile(context: df.DurableOrchestrationContext):
    """Fails when `flaky` fails (no retry): the rewind test's subject."""
    first = yield context.call_activity("hello", "before")
    second = yield context.call_activity("flaky", context.get_input())
    return [first, second]


@app.orchestration_trigger(context_name="context")
def http_call(context: df.DurableOrchestrationContext):
    """Durable HTTP: one GET to the URL given as input."""
    response = yield context.call_http("GET", context.get_input())
    return {"status": response["statusCode"], "content": json.loads(response["content"])}


@app.orchestration_trigger(context_name="context")
def introspect(context: df.DurableOrchestrationContext):
    return (yield context.call_activity("status_of", context.instance_id))


@app.orchestration_trigger(context_name="context")
def unknown_activity(context: df.DurableOrchestrationContext):
    return (yield context.call_activity("no_such_activity", 1))


# -- HTTP and blob triggers ---------------------------------------------------------------------

@app.route(route="start/{name}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def http_start(req: func.HttpRequest, client: df.DurableOrchestrationClient):
    body = req.get_body()
    payload = json.loads(body) if body else None
    instance_id = await client.start_new(req.route_params["name"], None, payload)
    return client.create_check_status_response(req, instance_id)


@app.route(route="status/{instance_id}", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
@app.durable_client_input(client_name="client")
async def http_status(req: func.HttpRequest, client: df.DurableOrchestrationClient):
    status = await client.get_status(req.route_params["instance_id"])
    if not status:
        return func.HttpResponse("not found", status_code=404)
    return func.HttpResponse(json.dumps({"runtimeStatus": status.runtime_status.value,
                                         "output": status.output}),
                             mimetype="application/json")


@app.route(route="echo/{item:int}/{extra?}", methods=["GET", "POST"])
def echo(req: func.HttpRequest) -> func.HttpResponse:
    echoed = {"route": dict(req.route_params), "params": dict(req.params), "method": req.method,
              "body": req.get_body().decode()}
    return func.HttpResponse(json.dumps(echoed), mimetype="application/json",
                             headers={"x-echo": "1"})


@app.route(route="via-out", methods=["GET"], binding_arg_name="message")
def via_out(req: func.HttpRequest, message: func.Out[func.HttpResponse]) -> None:
    """The response travels through a named output binding instead of the return value."""
    message.set(func.HttpResponse("sent through Out", status_code=201))


@app.blob_trigger(arg_name="blob", path="uploads/{name}", connection="AzureWebJobsStorage")
@app.durable_client_input(client_name="client")
async def on_upload(blob: func.InputStream, client: df.DurableOrchestrationClient):
    data = blob.read()
    log = os.environ.get("UPLOAD_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{blob.name} {len(data)}\n")
    if data.startswith(b"fail"):
        raise RuntimeError("upload rejected")
    await client.start_new("chain", None, [blob.name])


@app.blob_trigger(arg_name="blob", path="large/{name}", connection="AzureWebJobsStorage")
def on_large(blob: func.InputStream) -> None:
    """Reads the blob in 1 MiB pieces and logs what it saw (one JSON line to UPLOAD_LOG)."""
    digest, sizes = hashlib.sha256(), []
    while chunk := blob.read(1024 * 1024):
        digest.update(chunk)
        sizes.append(len(chunk))
    log = os.environ.get("UPLOAD_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as out:
            out.write(json.dumps({"name": blob.name, "length": blob.length, "uri": blob.uri,
                                  "properties": blob.blob_properties, "largest": max(sizes),
                                  "total": sum(sizes), "sha256": digest.hexdigest()}) + "\n")
