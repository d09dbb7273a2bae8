#!/bin/sh
# need TOOL...: stops with 127 (ToolMissing) naming the first tool the host lacks.
need() {
    for _need_tool in "$@"; do
        command -v "$_need_tool" >/dev/null 2>&1 || fail 127 "$_need_tool is missing"
    done
}
