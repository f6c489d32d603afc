"""Test app with an empty route prefix and its own task hub name (host.json)."""

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="hello/{name}")
def hello(req: func.HttpRequest) -> str:
    return f"hello {req.route_params['name']}"
