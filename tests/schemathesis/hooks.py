"""Schemathesis hooks for gapmap: what the OpenAPI document says in words but JSON Schema cannot state.

Loaded through `hooks` in schemathesis.toml. A hook here may only steer generation towards what the document
promises; it never touches a response or a check.
"""

import schemathesis


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@schemathesis.hook
def map_case(context, case):
    """`/api/services?bbox=minlon,minlat,maxlon,maxlat`: each minimum must not exceed its maximum.

    JSON Schema cannot compare two items of an array, so the document says it in the parameter's description.
    Swapping a pair leaves every value in its documented range, so a schema-valid box stays valid and an invalid
    one stays invalid: only the corner order, which the schema cannot express, is fixed.
    """
    query = case.query
    if case.operation.path == "/api/services" and isinstance(query, dict) and "bbox" in query:
        query["bbox"] = _ordered(query["bbox"])
    return case


def _ordered(bbox):
    """`bbox` with each pair in order, as a list of numbers or as the text `a,b,c,d`; anything else unchanged."""
    if isinstance(bbox, list) and len(bbox) == 4 and all(_number(v) for v in bbox):
        west, south, east, north = bbox
        return [min(west, east), min(south, north), max(west, east), max(south, north)]
    if isinstance(bbox, str):
        parts = bbox.split(",")
        try:
            values = [float(part) for part in parts]
        except ValueError:
            return bbox
        if len(parts) == 4:
            if values[0] > values[2]:
                parts[0], parts[2] = parts[2], parts[0]
            if values[1] > values[3]:
                parts[1], parts[3] = parts[3], parts[1]
            return ",".join(parts)
    return bbox
